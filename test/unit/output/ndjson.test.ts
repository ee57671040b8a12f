// NDJSON lines: one per value, the same whether written one by one or as a listing in chunks.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {PassThrough} from 'node:stream'

import {ndjsonWriter} from '../../../src/lib/output/index.js'

function capture(): {stream: PassThrough; writes: string[]} {
  const stream = new PassThrough()
  const writes: string[] = []
  stream.on('data', (d: Buffer) => writes.push(d.toString()))
  return {stream, writes}
}

test('writeAll gives the lines write gives, in writes of about 64 KiB', () => {
  const values = Array.from({length: 3000}, (_, i) => ({name: `/docker/${String(i).padStart(64, '0')}`, n: i, quote: 'a"b\n'}))
  const one = capture()
  const each = ndjsonWriter(one.stream)
  for (const v of values) each.write(v)
  const many = capture()
  ndjsonWriter(many.stream).writeAll(values)
  assert.equal(many.writes.join(''), one.writes.join(''))
  assert.equal(one.writes.length, 3000)
  // 3,000 lines of about 110 bytes: a handful of writes, each ending at a line's end.
  assert.ok(many.writes.length >= 4 && many.writes.length <= 6, `${many.writes.length} writes`)
  for (const w of many.writes) assert.ok(w.endsWith('\n') && w.length < 64 * 1024 + 200)
  assert.deepEqual(
    many.writes
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
    values,
  )
})

test('writeAll of nothing writes nothing', () => {
  const c = capture()
  ndjsonWriter(c.stream).writeAll([])
  assert.deepEqual(c.writes, [])
})
