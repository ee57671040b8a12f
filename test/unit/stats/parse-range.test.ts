// Values a u64 counter cannot hold (negative, 2^64 and above) are errors of their file, not numbers.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {parseIntList, parseKeyValue, parseLimit, parseSingle, pickKeyValues, toUint} from '../../../src/lib/stats/parse.js'
import {parseNetDev} from '../../../src/lib/stats/kinds/network/reader.js'
import {parsePressure} from '../../../src/lib/stats/kinds/pressure/reader.js'

const U64_MAX = '18446744073709551615'
const TWO_64 = '18446744073709551616'
const HUGE = '340282366920938463463374607431768211456'

test('toUint: the whole u64 range and nothing outside it', () => {
  assert.equal(toUint('0'), 0)
  assert.equal(toUint(U64_MAX), 2 ** 64)
  assert.equal(toUint('0000' + U64_MAX), 2 ** 64, 'leading zeros do not make a number bigger')
  assert.equal(toUint('9223372036854771712'), 9223372036854771712)
  for (const bad of [TWO_64, HUGE, '-1', '-0', '99999999999999999999', '1e3', '']) assert.ok(Number.isNaN(toUint(bad)), bad)
})

test('single values: negative and above 2^64 - 1 are errors naming the file', () => {
  assert.throws(() => parseSingle('-1\n', '/c/memory.current'), /\/c\/memory.current: expected an integer, got "-1" is negative/)
  assert.throws(() => parseSingle(`${HUGE}\n`, '/c/memory.current'), /memory.current: .*is above 2\^64 - 1/)
  assert.equal(parseLimit('-1\n', 'cfs_quota_us'), undefined, '-1 as a whole file still means unlimited (v1 cfs_quota_us)')
  assert.throws(() => parseLimit('-2\n', 'f'), /is negative/)
  assert.throws(() => parseIntList(`1 ${TWO_64}`, 'usage_percpu'), /usage_percpu: field 2: "18446744073709551616" is above 2\^64 - 1/)
})

test('key-value files: a taken key out of range is an error; an untaken one is not looked at', () => {
  assert.throws(() => parseKeyValue('usage_usec 5\nuser_usec -3\n', 'cpu.stat'), /cpu.stat: line 2: user_usec "-3" is negative/)
  assert.throws(() => parseKeyValue(`usage_usec ${HUGE}\n`, 'cpu.stat'), /line 1: usage_usec "3402.*" is above 2\^64 - 1/)
  assert.throws(() => pickKeyValues(`anon 1\nfile ${TWO_64}\n`, 'memory.stat', ['anon', 'file']), /memory.stat: line 2: file .* is above/)
  assert.throws(() => pickKeyValues('anon -1\n', 'memory.stat', ['anon']), /line 1: anon "-1" is negative/)
  assert.deepEqual(pickKeyValues('anon 1\nweird -5\n', 'memory.stat', ['anon']), [1])
  assert.deepEqual(pickKeyValues(`anon ${U64_MAX}\n`, 'memory.stat', ['anon']), [2 ** 64])
})

test('the other readers: network, pressure', () => {
  const dev = `h1\nh2\n  eth0: ${HUGE} 1 0 0 0 0 0 0 2 1 0 0 0 0 0 0\n`
  assert.throws(() => parseNetDev(dev, 'net/dev'), /net\/dev: line 3 \(eth0\): "3402.*" is above 2\^64 - 1/)
  assert.throws(() => parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=-4\n', 'cpu.pressure'), /line 1: total="-4" is negative/)
})
