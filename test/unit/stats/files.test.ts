// Kept-open cgroup files: positional re-reads, the open-file budget, line counts.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {NOT_SERVED, OpenFiles, openFileLimit} from '../../../src/lib/stats/index.js'

test('readHandle() serves a kept descriptor without its path; a stale handle, or a subclass told of reads by path, is left to the read by path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-files-'))
  try {
    const a = join(dir, 'a')
    writeFileSync(a, 'a1\n')
    const files = new OpenFiles(4)
    assert.equal(files.read(a), 'a1\n')
    const ha = files.lastHandle
    writeFileSync(a, 'a22\n')
    const n = files.readHandle(ha)
    assert.equal(n, 4)
    assert.equal(files.lastBytes(n).toString(), 'a22\n')
    assert.deepEqual(files.stats, {hits: 1, opens: 1, evictions: 0})
    files.close(a)
    assert.equal(files.readHandle(ha), NOT_SERVED, 'closed: stale')
    assert.equal(files.readHandle(-1), NOT_SERVED)
    const told: string[] = []
    class Told extends OpenFiles {
      protected override noteRead(path: string): void {
        told.push(path)
      }
    }
    const t = new Told(4)
    t.read(a)
    assert.equal(t.readHandle(t.lastHandle), NOT_SERVED, 'a recorder hears every read by its path')
    assert.equal(t.readKept(t.lastHandle, a), 4)
    assert.deepEqual(told, [a, a])
    files.closeAll()
    t.closeAll()
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('a kept descriptor is read through its handle; a handle of a closed one reads by path, never another file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-files-'))
  try {
    const files = new OpenFiles(4)
    const p = (n: string): string => join(dir, n)
    for (const n of ['a', 'b']) writeFileSync(p(n), `${n}1\n`)
    const text = (n: number | undefined): string | undefined => (n === undefined ? undefined : files.lastBytes(n).toString())
    assert.equal(files.read(p('a')), 'a1\n')
    const ha = files.lastHandle
    assert.ok(ha >= 0, 'a kept file has a handle')
    writeFileSync(p('a'), 'a2\n')
    assert.equal(text(files.readKept(ha, p('a'))), 'a2\n')
    assert.equal(files.lastHandle, ha)
    assert.deepEqual(files.stats, {hits: 1, opens: 1, evictions: 0})
    // Closed, then b opened: b gets the lowest free descriptor number, the one a had.
    files.close(p('a'))
    assert.equal(files.read(p('b')), 'b1\n')
    assert.notEqual(files.lastHandle, ha, 'the same number is another handle')
    assert.equal(text(files.readKept(ha, p('a'))), 'a2\n', 'the stale handle reads a by its path, not b')
    assert.equal(files.stats.opens, 3)
    const again = files.lastHandle
    assert.ok(again >= 0 && again !== ha)
    assert.equal(text(files.readKept(again, p('a'))), 'a2\n')
    assert.equal(files.stats.opens, 3, 'through the new handle: no open')
    assert.equal(files.read(p('a'), false), 'a2\n')
    assert.equal(files.read(p('b'), false), 'b1\n')
    const none = new OpenFiles(4)
    assert.equal(none.read(p('a'), false), 'a2\n')
    assert.equal(none.lastHandle, -1, 'a read that keeps nothing has no handle')
    assert.equal(none.readKept(-1, p('missing')), undefined)
    files.closeAll()
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('kept files are re-read at offset 0 and see new content; the budget closes the least recently read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-files-'))
  try {
    const files = new OpenFiles(2)
    const p = (n: string): string => join(dir, n)
    for (const n of ['a', 'b', 'c']) writeFileSync(p(n), `${n}1\n`)
    assert.equal(files.read(p('a')), 'a1\n')
    assert.equal(files.read(p('b')), 'b1\n')
    writeFileSync(p('a'), 'a2 longer\n')
    assert.equal(files.read(p('a')), 'a2 longer\n', 'a positional read at 0 sees the new content')
    assert.deepEqual(files.stats, {hits: 1, opens: 2, evictions: 0})
    files.read(p('c'))
    assert.equal(files.openCount, 2)
    assert.equal(files.stats.evictions, 1, 'b was the least recently read')
    files.read(p('a'))
    assert.equal(files.stats.hits, 2, 'a stayed open')
    assert.equal(files.read(p('missing')), undefined)
    assert.equal(files.read(p('a'), false), 'a2 longer\n')
    const big = 'x'.repeat(200_000)
    writeFileSync(p('big'), big)
    assert.equal(files.read(p('big'))?.length, big.length, 'files longer than the buffer are read whole')
    files.closeAll()
    assert.equal(files.openCount, 0)
    const none = new OpenFiles(0)
    assert.equal(none.read(p('a')), 'a2 longer\n')
    assert.equal(none.openCount, 0, 'a budget of 0 keeps nothing open')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('over the budget, a file read again since it was opened stays open; one that was not is closed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-files-'))
  try {
    const files = new OpenFiles(3)
    const p = (n: string): string => join(dir, n)
    for (const n of ['a', 'b', 'c', 'd', 'e']) writeFileSync(p(n), `${n}\n`)
    for (const n of ['a', 'b', 'c']) files.read(p(n))
    // Every tick reads a and c again; b was read once.
    for (let tick = 0; tick < 3; tick++) for (const n of ['a', 'c']) files.read(p(n))
    files.read(p('d'))
    assert.equal(files.stats.evictions, 1)
    const hits = files.stats.hits
    files.read(p('a'))
    files.read(p('c'))
    assert.equal(files.stats.hits, hits + 2, 'a and c stayed open')
    files.read(p('b'))
    assert.equal(files.stats.opens, 5, 'b was closed, so it is opened again')
    assert.equal(files.openCount, 3)
    files.closeAll()
    assert.equal(files.openCount, 0)
    files.read(p('e'))
    assert.equal(files.openCount, 1, 'the budget works on after closeAll')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('the open-file limit is read from /proc/self/limits', () => {
  const limit = openFileLimit()
  assert.ok(limit === undefined || limit > 0)
})

test('countLines counts non-empty lines on the read buffer, kept open like read()', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-files-'))
  try {
    const files = new OpenFiles(4)
    const p = join(dir, 'cgroup.procs')
    writeFileSync(p, '')
    assert.equal(files.countLines(p), 0, 'an empty cgroup')
    writeFileSync(p, '4242\n4243\n')
    assert.equal(files.countLines(p), 2, 'the same kept descriptor sees the new content')
    assert.deepEqual(files.stats, {hits: 1, opens: 1, evictions: 0})
    writeFileSync(p, '1\n\n2\n3')
    assert.equal(files.countLines(p), 3, 'blank lines are skipped, a last line without newline counts')
    // 30 000 pids is far past the 64 KiB buffer: it grows and the count is of one whole read.
    const many = Array.from({length: 30_000}, (_, i) => String(100_000 + i)).join('\n') + '\n'
    writeFileSync(p, many)
    assert.equal(files.countLines(p), 30_000)
    writeFileSync(p, '7\n')
    assert.equal(files.countLines(p), 1, 'bytes past the read left in the grown buffer are not counted')
    assert.equal(files.read(p), '7\n', 'read() and countLines() share the descriptor')
    assert.equal(files.countLines(join(dir, 'missing')), undefined)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
