// Names from cgroups and runtimes are shown escaped in every human-readable output.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {escapeControl} from '../../../src/lib/util/index.js'
import {formatDecision, renderStatsTable, type StatsRow} from '../../../src/lib/output/index.js'

const EVIL = '/evil\u001b]0;owned\u0007\u001b[2J\nFAKE ROW\r\u009b31m\u202etxt.exe'

test('escapeControl shows C0, DEL, C1, separators and bidi controls visibly, and nothing else', () => {
  assert.equal(escapeControl('a\nb\tc\rd'), 'a\\nb\\tc\\rd')
  assert.equal(escapeControl('\u001b[31m'), '\\x1b[31m')
  assert.equal(escapeControl('\u0000\u007f\u0085\u009b'), '\\x00\\x7f\\x85\\x9b')
  assert.equal(escapeControl('a\u2028b\u202ec\u2066'), 'a\\u2028b\\u202ec\\u2066')
  const plain = '/system.slice/dev-disk-by\\x2duuid-1.swap/ünïcode ☃ 容器'
  assert.equal(escapeControl(plain), plain, 'printable text and backslashes stay as they are')
})

function row(container: string, factory = 'raw'): StatsRow {
  return {name: container, container, factory, depth: 1, time: '2026-01-01T00:00:00.000Z', memoryLimited: false, idle: false}
}

test('the stats table: a name with control characters stays on its own row, escaped', () => {
  const text = renderStatsTable([row(EVIL, 'raw\u001b[0m'), row('/docker/ok')], true)
  const lines = text.split('\n')
  assert.equal(lines.length, 3, text)
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/)
  assert.match(lines[1]!, /^\/evil\\x1b\]0;owned\\x07\\x1b\[2J\\nFAKE ROW\\r\\x9b31m\\u202etxt\.exe\s+raw\\x1b\[0m/)
})

test('resolve text: the name, the id and the reasons are escaped, one line each', () => {
  const text = formatDecision({
    name: EVIL,
    factory: 'docker',
    accepted: true,
    id: 'id\u001b[1m',
    checks: [{factory: 'docker', canHandle: true, accept: true, reason: 'container "x\ny"'}],
  })
  assert.equal(text.split('\n').length, 3, text)
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/)
  assert.match(text, /id id\\x1b\[1m/)
  assert.match(text, /container "x\\ny"/)
})
