// cadv's own process and Node.js metrics (prom-client) in both formats.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {SelfMetrics} from '../../../src/lib/metrics/index.js'
import {parseExposition} from '../../helpers/exposition.js'

test('self-metrics in OpenMetrics do not rename the Prometheus-format counters (prom-client pitfall)', async () => {
  const self = new SelfMetrics()
  const before = await self.text('prometheus')
  const om = await self.text('openmetrics')
  assert.match(om, /^# TYPE process_cpu_seconds counter$/m)
  assert.match(om, /^process_cpu_seconds_total /m)
  parseExposition(`${om}# EOF\n`, 'openmetrics')
  const after = await self.text('prometheus')
  assert.match(before, /^# TYPE process_cpu_seconds_total counter$/m)
  assert.match(after, /^# TYPE process_cpu_seconds_total counter$/m)
})
