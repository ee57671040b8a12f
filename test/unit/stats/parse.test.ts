// The key-value scanner every reader shares for cgroup stat files.
import {test} from 'node:test'
import assert from 'node:assert/strict'

// Internal to stats/ (the readers' own parsing, not in its index.ts): its module is tested directly.
import {parseKeyValue, pickKeyValues} from '../../../src/lib/stats/parse.js'

test('pickKeyValues validates every line and picks only the asked keys', () => {
  // A negative value is out of a counter's range: an error when its key is taken (parse-range.test.ts).
  const text = 'cache 10\nrss 20\ntotal_rss 30\nnegative -5\n'
  assert.deepEqual(pickKeyValues(text, 'f', ['total_rss', 'rss', 'nope']), [30, 20, undefined])
  assert.throws(() => pickKeyValues('a 1\nb x\n', 'f', ['a']), /f: line 2: "x" is not an integer/)
  assert.throws(() => pickKeyValues('a 1\nb\n', 'f', ['a']), /f: line 2: expected "key value", got "b"/)
  assert.throws(() => pickKeyValues('a \n', 'f', ['a']), /line 1: "" is not an integer/)
})

test('parseKeyValue and pickKeyValues accept and refuse the same lines (one scanner)', () => {
  const good = 'cache 10\nrss 20\n'
  assert.deepEqual(
    [...parseKeyValue(good, 'f')],
    [
      ['cache', 10],
      ['rss', 20],
    ],
  )
  for (const bad of ['a 1\nb x\n', 'a 1\nb\n', 'a \n', 'a 1 \n', 'a  1\n', 'a 1\r\n', 'a -\n']) {
    const picked = (() => {
      try {
        pickKeyValues(bad, 'f', ['a'])
        return 'ok'
      } catch (e) {
        return (e as Error).message
      }
    })()
    const parsed = (() => {
      try {
        parseKeyValue(bad, 'f')
        return 'ok'
      } catch (e) {
        return (e as Error).message
      }
    })()
    assert.notEqual(picked, 'ok', JSON.stringify(bad))
    assert.equal(parsed, picked, JSON.stringify(bad))
  }
})
