// Which exposition format a scrape gets from its Accept header.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {Registry} from 'prom-client'

import {CONTENT_TYPES, negotiateFormat} from '../../../src/lib/metrics/index.js'

test("content types are prom-client's", () => {
  assert.equal(CONTENT_TYPES.prometheus, Registry.PROMETHEUS_CONTENT_TYPE)
  assert.equal(CONTENT_TYPES.openmetrics, Registry.OPENMETRICS_CONTENT_TYPE)
})

test('Accept negotiation: OpenMetrics when preferred, text 0.0.4 otherwise', () => {
  assert.equal(negotiateFormat(undefined), 'prometheus')
  assert.equal(negotiateFormat('*/*'), 'prometheus')
  assert.equal(negotiateFormat('text/plain;version=0.0.4'), 'prometheus')
  // Prometheus 2.x
  assert.equal(
    negotiateFormat(
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    ),
    'openmetrics',
  )
  // Any OpenMetrics version is served 1.0.0 (clients disagree about versions).
  assert.equal(negotiateFormat('application/openmetrics-text; version=0.0.1'), 'openmetrics')
  assert.equal(negotiateFormat('application/openmetrics-text;q=0.2, text/plain;q=0.9'), 'prometheus')
  assert.equal(negotiateFormat('application/openmetrics-text;q=0'), 'prometheus')
  assert.equal(negotiateFormat('application/json'), 'prometheus')
})
