// serve's metrics thread compiles its hot functions on V8's helper threads even though serve
// runs with --no-concurrent-recompilation (bin/run.js), and the main thread still compiles on
// itself (metrics/worker-compiles.ts). Seen the way V8 reports it: --trace-opt prints each
// optimizing compile with its mode (kConcurrent: handed to a helper; kSynchronous: on the thread).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {concurrentCompilesOff} from '../../../src/lib/metrics/worker-compiles.js'

const CHILD = fileURLToPath(new URL('../../helpers/worker-compiles-child.ts', import.meta.url))

/**
 * Runs the child with serve's flag and V8's trace until `enough` says the lines seen suffice
 * (then ends it) or it exits; the trace lines of optimizing compiles: function name and mode.
 */
async function compiles(
  mode: string,
  enough: (seen: Array<{fn: string; mode: string}>) => boolean,
): Promise<Array<{fn: string; mode: string}>> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--no-concurrent-recompilation', '--trace-opt', CHILD, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const seen: Array<{fn: string; mode: string}> = []
  let rest = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no answer in 120 s; compiles seen: ${JSON.stringify(seen.slice(0, 20))}`))
    }, 120_000)
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n')
      rest = lines.pop()!
      for (const l of lines) {
        const m = /^\[compiling method \S+ <JSFunction (\S+) .*mode: ConcurrencyMode::(\w+)\]/.exec(l)
        if (m) seen.push({fn: m[1]!, mode: m[2]!})
      }
      if (enough(seen)) {
        clearTimeout(timer)
        child.kill('SIGKILL')
        resolve(seen)
      }
    })
    child.on('exit', () => {
      clearTimeout(timer)
      resolve(seen)
    })
  })
}

test('concurrentCompilesOff: node command line flags, the last word winning', () => {
  assert.equal(concurrentCompilesOff([]), false)
  assert.equal(concurrentCompilesOff(['--single-threaded-gc', '--no-concurrent-recompilation']), true)
  assert.equal(concurrentCompilesOff(['--no-concurrent_recompilation']), true)
  assert.equal(concurrentCompilesOff(['--no-concurrent-recompilation', '--concurrent-recompilation']), false)
})

test('a worker started through it compiles on the helpers; the main thread after it still on itself', async () => {
  const seen = await compiles('helper', () => false)
  const worker = seen.filter((c) => c.fn === 'hotInWorker')
  const main = seen.filter((c) => c.fn === 'hotOnMain')
  assert.ok(worker.length > 0 && main.length > 0, JSON.stringify(seen))
  assert.deepEqual(new Set(worker.map((c) => c.mode)), new Set(['kConcurrent']))
  assert.deepEqual(new Set(main.map((c) => c.mode)), new Set(['kSynchronous']))
})

test("serve's metrics thread compiles its scrape path on the helpers under --no-concurrent-recompilation", async () => {
  // `scrape` (server.ts) and `fresh` (body-cache.ts) run on the metrics thread only when it serves.
  const ours = (c: {fn: string}) => c.fn === 'scrape' || c.fn === 'fresh'
  const seen = await compiles('serve', (s) => s.some(ours))
  const found = seen.filter(ours)
  assert.ok(found.length > 0, `no compile of the scrape path seen: ${JSON.stringify(seen.slice(0, 40))}`)
  assert.deepEqual(new Set(found.map((c) => c.mode)), new Set(['kConcurrent']))
})
