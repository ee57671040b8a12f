// The server's --listen values: host:port forms accepted, and the rest refused naming the flag.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {parseListen} from '../../../src/lib/metrics/index.js'

test('--listen values', () => {
  assert.deepEqual(parseListen('127.0.0.1:8080'), {host: '127.0.0.1', port: 8080})
  assert.deepEqual(parseListen(':9100'), {host: undefined, port: 9100})
  assert.deepEqual(parseListen('[::1]:0'), {host: '::1', port: 0})
  assert.deepEqual(parseListen('localhost:80'), {host: 'localhost', port: 80})
  for (const bad of ['8080', 'host', '1.2.3.4:99999', '::1:80', 'a:b']) assert.throws(() => parseListen(bad), /--listen/, bad)
})
