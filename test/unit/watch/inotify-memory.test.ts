// One inotify watch a cgroup directory (2,000 at 1,000 containers on a v1 host, 20,000 at
// 10,000): what each costs in the heap, measured. The listeners are the hierarchy's, shared:
// a pair of closures a watch holding its container's name was about 170 bytes more.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

import {MEASURE_FLAGS, runNodeScript, settledUsedSource} from '../../helpers/node-script.js'

const INOTIFY = fileURLToPath(new URL('../../../src/lib/watch/inotify.ts', import.meta.url))

/** Run with MEASURE_FLAGS: heap bytes a watch of 2,000 directories, three measures. */
const SCRIPT = `
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {inotifyBackend} from ${JSON.stringify(INOTIFY)}
const N = 2000
const root = mkdtempSync(join(tmpdir(), 'cadv-watch-mem-'))
const marked = []
try {
  for (let i = 0; i < N; i++) mkdirSync(join(root, 'c' + i))
  const backend = inotifyBackend()
  const h = {id: 'memory'}
  await backend.attach(h, (name) => marked.push(name), () => {}, {files: new Set(['memory.limit_in_bytes']), written: () => {}})
  ${settledUsedSource(['heapUsed'])}
  // Names as the tree has them: strings of their own before the watch.
  const names = Array.from({length: N}, (_, i) => '/c' + i)
  backend.watchDir(h, '/warm', root).close()
  const measure = () => {
    const before = used()
    const ws = names.map((name) => backend.watchDir(h, name, join(root, name)))
    const bytes = (used() - before) / N
    for (const w of ws) w.close()
    return bytes
  }
  console.log(JSON.stringify([measure(), measure(), measure()]))
} finally {
  rmSync(root, {recursive: true, force: true})
}
`

test('an inotify watch of a cgroup directory costs about 450 bytes of heap, its listeners shared', async () => {
  const all = JSON.parse(await runNodeScript(MEASURE_FLAGS, SCRIPT)) as number[]
  // The least: the first measure also holds what the first watches of the run allocated.
  const bytes = Math.min(...all)
  const figures = all.map((b) => b.toFixed(0)).join(', ')
  assert.ok(bytes > 200, `${figures} bytes: the measure measured nothing`)
  // Node's FSWatcher, its handle and listener table are most of it; two closures of its own a
  // watch: about 620.
  assert.ok(bytes < 540, `${figures} bytes a watch`)
})
