/*
 * A young generation that stays at its first size (two 1 MiB semi-spaces) in `cadv serve`.
 * V8 doubles the young generation whenever enough of it survives a scavenge, up to 16 MiB a
 * semi-space, and gives it back only when allocation slows; serve's steady garbage (every
 * container read every second) kept it between 4 and 16 MiB, which was most of the RSS swing
 * from 115 to 134 MiB at 1,000 containers. The memory-saving mode set at start (app/heap.ts)
 * does not cap it: only node's command line can set the cap, but V8 reads the growth factor at
 * every scavenge, so a factor of 1 holds it. V8 raises the factor back to 2 each time it sets up
 * a heap, that is whenever a worker thread starts (measured: the factor set before a Worker is
 * created is lost, set once the worker runs it holds), so each worker serve starts sets it again.
 */
import {setFlagsFromString} from 'node:v8'
import type {Worker} from 'node:worker_threads'

/** Whether this thread holds the young generation (a worker's module state is its own: front-worker.ts is told). */
let held = false
/** Called when this thread holds it (front.ts tells the metrics thread, started before serve holds it). */
let whenHeld: Array<() => void> = []

const FLAG = '--semi-space-growth-factor=1'

/** Holds the young generation at its size from now on (process-wide: V8's flags are the process's). */
export function holdYoungGeneration(): void {
  held = true
  setFlagsFromString(FLAG)
  const listeners = whenHeld
  whenHeld = []
  for (const f of listeners) f()
}

/** Calls `f` once this thread holds the young generation (at once if it does). */
export function whenYoungGenerationHeld(f: () => void): void {
  if (held) f()
  else whenHeld.push(f)
}

export function youngGenerationHeld(): boolean {
  return held
}

/** `worker`'s heap set-up lets the young generation grow again: hold it again once the worker runs. */
export function keepYoungGenerationAcross(worker: Worker): void {
  if (held) worker.once('online', () => setFlagsFromString(FLAG))
}
