// The process bench's RSS parts (CADV_BENCH_RSS_PARTS) sort each mapping of smaps into one
// bucket: checked on a hand-made smaps whose answer is known, so a thread arena counted as V8's
// heap (or the binary as a library) cannot pass unseen.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {formatRssParts, rssParts} from '../../../bench/lib/rss-parts.js'

/** One smaps entry: the header line and the Rss line that matters here (smaps has about twenty). */
const entry = (range: string, perms: string, path: string, rssKiB: number): string =>
  `${range} ${perms} 00000000 00:00 0          ${path}\nSize:  4 kB\nRss:   ${rssKiB} kB\nPss:   ${rssKiB} kB\n`

const SMAPS = [
  entry('00400000-00b6f000', 'r--p', '/usr/bin/node', 5 * 1024),
  entry('00b72000-025fe000', 'r-xp', '/usr/bin/node', 20 * 1024),
  entry('09d0a000-0a6e0000', 'rw-p', '[heap]', 9 * 1024),
  // A thread arena: 64 MiB-aligned, its used front, the rest of the 64 MiB reservation PROT_NONE.
  entry('7f6864000000-7f6864270000', 'rw-p', '', 2 * 1024),
  entry('7f6864270000-7f6868000000', '---p', '', 0),
  // Aligned by chance but no reservation after it (a V8 page): not an arena.
  entry('7f6868000000-7f6868040000', 'rw-p', '', 256),
  // V8 pages, a thread stack.
  entry('330085140000-330085180000', 'rw-p', '', 256),
  entry('7f689c6d9000-7f689c7d9000', 'rw-p', '', 512),
  entry('7f689df64000-7f689e0b0000', 'r-xp', '/usr/lib/x86_64-linux-gnu/libc.so.6', 1024),
  entry('7ffc1c000000-7ffc1c021000', 'rw-p', '[stack]', 132),
].join('')

test('rssParts: the binary, other files, the main arena, thread arenas and the rest, each mapping once', () => {
  const p = rssParts(SMAPS, '/usr/bin/node')
  assert.equal(p.binary, 25)
  assert.equal(p.files, 1)
  assert.equal(p.mallocMain, 9)
  assert.equal(p.arenas, 2)
  assert.equal(p.otherAnon, (256 + 256 + 512 + 132) / 1024)
  assert.equal(p.total, p.binary + p.files + p.mallocMain + p.arenas + p.otherAnon)
  // Another executable's path: node's pages are then just files.
  assert.equal(rssParts(SMAPS, '/usr/local/bin/node').files, 26)
})

test('formatRssParts: one line with every part and the threads', () => {
  const line = formatRssParts({...rssParts(SMAPS, '/usr/bin/node'), threads: 12})
  assert.match(
    line,
    /^node binary 25\.0, other files 1\.0, malloc main arena 9\.0, thread arenas 2\.0, other anon .* 1\.1 MiB; 12 threads$/,
  )
})
