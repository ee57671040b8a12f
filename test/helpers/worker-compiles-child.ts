// Run by test/unit/metrics/worker-compiles.test.ts in a node of its own started with
// --no-concurrent-recompilation --trace-opt (V8 prints each optimizing compile and whether it
// runs on the thread or on V8's helpers). `helper`: a worker started through
// startCompilingConcurrently, then the same hot function on the main thread. `serve`: serve's
// metrics thread (startServe, a one-container view) scraped until the parent ends this process.
import {Worker} from 'node:worker_threads'
import {request, Agent} from 'node:http'

import {readMachineInfo, startServe} from '../../src/lib/metrics/index.js'
import {startCompilingConcurrently} from '../../src/lib/metrics/worker-compiles.js'
import {ALL_COLLECTED, dockerState} from './states.js'
import {runningListView} from './view.js'

/** A function hot enough that V8 optimizes it, named so its compile lines can be picked out. */
const hot = (name: string): string =>
  `function ${name}(a){let s=0;for(let i=0;i<a.length;i++)s+=a[i]*2;return s}; let t=0; const a=new Array(1000).fill(1); for(let k=0;k<20000;k++) t+=${name}(a);`

if (process.argv[2] === 'helper') {
  const w = startCompilingConcurrently(() => new Worker(hot('hotInWorker'), {eval: true}))
  w.once('exit', () => {
    new Function(hot('hotOnMain'))()
    console.log('done')
  })
} else {
  const view = runningListView([dockerState()])
  const handle = await startServe({
    manager: view,
    exposition: {kinds: ALL_COLLECTED, machine: readMachineInfo(), version: '1'},
    exporterMetrics: false,
    listen: ['127.0.0.1:0'],
    telemetryPath: '/metrics',
    maxRequests: 8,
    requestTimeoutMs: 20_000,
    version: '1',
    collection: {housekeepingIntervalMs: 1000, maxHousekeepingIntervalMs: 60_000, dynamicHousekeeping: true, storageDurationMs: 120_000},
    log: () => {},
  })
  const port = handle.addresses[0]!.port
  const agent = new Agent({keepAlive: true, maxSockets: 4})
  const scrape = (): Promise<void> =>
    new Promise((resolve, reject) => {
      request({port, path: '/metrics', agent, headers: {'Accept-Encoding': 'gzip'}}, (res) => {
        res.resume()
        res.on('end', resolve)
      })
        .on('error', reject)
        .end()
    })
  // Until the parent has seen what it waits for and ends this process.
  for (;;) await Promise.all([scrape(), scrape(), scrape(), scrape()])
}
