/*
 * Run by test/unit/metrics/descriptor-shortage.test.ts under a small open-file limit: it fills
 * its descriptor table on purpose, to see what cadv does when the process is out of
 * descriptors. Prints one JSON line per step on stdout; steps are driven by lines on stdin.
 *   1. OpenFiles with kept files opens one more while the table is full: it must give kept
 *      descriptors back and succeed (and say so once).
 *   2. A MetricsServer with no connection cap gets connections while the table is full: it must
 *      live on; after "free", /healthz answers again.
 */
import {mkdtempSync, openSync, closeSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

import {healthz, MetricsServer, type MetricsSource} from '../../src/lib/metrics/index.js'
import {OpenFiles} from '../../src/lib/stats/index.js'

const hogs: number[] = []
function fillTable(): void {
  try {
    for (;;) hogs.push(openSync('/dev/null', 'r'))
  } catch {
    // EMFILE: the table is full
  }
}
function freeTable(): void {
  for (const fd of hogs.splice(0)) closeSync(fd)
}

const dir = mkdtempSync(join(tmpdir(), 'cadv-emfile-'))
const paths = Array.from({length: 20}, (_, i) => join(dir, `f${i}`))
for (const p of paths) writeFileSync(p, 'x 1\n')
const files = new OpenFiles(1000)
let said = 0
files.onShortage = () => said++
for (const p of paths.slice(0, 10)) files.read(p)
fillTable()
const read = files.read(paths[15]!)
freeTable()
console.log(JSON.stringify({step: 'files', read, shortages: files.shortages, said, kept: files.openCount}))
files.closeAll()
rmSync(dir, {recursive: true, force: true})

const warnings: string[] = []
const server = new MetricsServer({
  listen: ['127.0.0.1:0'],
  telemetryPath: '/metrics',
  // Only /healthz is asked for: no scrape reaches the source.
  source: {} as MetricsSource,
  routes: [healthz],
  maxRequests: 0,
  requestTimeoutMs: 5000,
  log: () => undefined,
  warn: (m) => warnings.push(m),
})
const [address] = await server.start()
fillTable()
console.log(JSON.stringify({step: 'listening', port: address!.port}))
for await (const line of createInterface({input: process.stdin})) {
  if (line === 'free') {
    freeTable()
    console.log(JSON.stringify({step: 'freed', acceptShortages: server.stats().acceptShortages, warnings}))
  } else if (line === 'stop') {
    await server.stop(0)
    console.log(JSON.stringify({step: 'stopped'}))
    process.exit(0)
  }
}
