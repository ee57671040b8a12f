/*
 * The metrics thread's optimizing compiles, off the metrics thread. `cadv serve` started as a
 * program runs with --no-concurrent-recompilation (bin/run.js: no compiles on V8's helper
 * threads, for the memory), so V8 compiles a hot function on the thread that runs it. On the
 * metrics thread that stopped every scrape in flight: a storm of scrapes after a quiet spell
 * finds much of the HTTP path deoptimized (V8 drops optimized code whose embedded objects, such
 * as the last storm's connections, have been collected) and compiles it again, 10 to 30 ms a
 * function on a busy machine. Profiled at load 8 (1,000 containers, 50 scrapers, perf): 30 % of
 * the metrics thread's CPU in the gzip runs was compiling, nearly all in each run's first 5 s.
 * V8 decides whether an isolate compiles on helper threads once, when it sets the isolate up:
 * with the flag turned on just before the metrics thread starts and off again once it runs,
 * that thread's isolate hands its compiles to the helpers (where they wait their turn while the
 * thread goes on in baseline code), and the main thread's keeps compiling on itself.
 */
import {setFlagsFromString} from 'node:v8'
import type {Worker} from 'node:worker_threads'

/** Whether node's command line turned concurrent recompilation off (the last word wins, as V8 reads its flags in order). */
export function concurrentCompilesOff(execArgv: readonly string[] = process.execArgv): boolean {
  let off = false
  for (const a of execArgv) if (/^--(no-)?concurrent[-_]recompilation$/.test(a)) off = a.startsWith('--no-')
  return off
}

/**
 * Starts a worker (`start`) whose isolate compiles on V8's helper threads even when the process
 * was told not to; the process's flag is back as it was once the worker runs (or has ended).
 */
export function startCompilingConcurrently(start: () => Worker, execArgv: readonly string[] = process.execArgv): Worker {
  if (!concurrentCompilesOff(execArgv)) return start()
  setFlagsFromString('--concurrent-recompilation')
  let worker: Worker
  try {
    worker = start()
  } catch (err) {
    setFlagsFromString('--no-concurrent-recompilation')
    throw err
  }
  let restored = false
  const restore = (): void => {
    if (restored) return
    restored = true
    setFlagsFromString('--no-concurrent-recompilation')
  }
  worker.once('online', restore)
  worker.once('exit', restore)
  return worker
}
