/*
 * The metrics thread's bodies, given back to the system once they are replaced. What a body
 * holds of this thread's own memory is its gzip form (130 KiB at 1,000 containers), and its text
 * when that came as a copy, transferred (2 MiB at 1,000 containers, 19 MiB at 10,000; a text on
 * a SharedArrayBuffer is the main thread's, recycled there: `ownedBytes`); that memory is freed
 * only when its wrapper is collected. A body serves for a second or more (a scrape interval
 * when built ahead), long enough for its wrapper to be moved to the thread's old generation,
 * which a heap of 7 MiB that barely grows has V8 collect only when memory outside the heap has
 * passed a limit of its own: tens of MiB later. Measured in the soak (one scrape a minute,
 * bodies copied then): the process's RSS rose by 30 MiB over 15 minutes, then fell back at
 * once, at the thread's first full collection. So the thread collects its heap itself once
 * what the bodies replaced since the last collection held of its own adds up to
 * `thresholdBytes` (1 MiB: at 1,000 containers about every eighth body), at most once every
 * `minIntervalMs` (2 s). A full collection of this small heap takes a few milliseconds of CPU,
 * never of the main thread, but every scrape in flight waits for it, longer on a busy machine.
 */
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

import type {Body} from './body-cache.js'

/**
 * Bytes of a replaced body that only a collection of this thread's heap gives back: its gzip
 * form, and its text unless that is on a SharedArrayBuffer (the main thread's, which writes a
 * later body into it: freeing this thread's view of it frees nothing). Counted as a whole, a
 * shared 2 MiB text called for a full collection at every replacement, every 2 s under a storm
 * of scrapes: 15 to 370 ms of this thread each at load 11 to 18, every scrape in flight waiting.
 */
export function ownedBytes(body: Body): number {
  return body.gzipBytes + (body.text.buffer instanceof SharedArrayBuffer ? 0 : body.text.length)
}

/**
 * A full collection of the calling thread's heap: `gc` of a context made while V8 exposes it
 * (the flag is turned back off at once, so no other context gets it), or the process's own
 * when node was started with --expose-gc. Undefined when V8 refuses.
 */
export function fullCollection(): (() => void) | undefined {
  const own = (globalThis as {gc?: unknown}).gc
  if (typeof own === 'function') return own as () => void
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    return typeof gc === 'function' ? (gc as () => void) : undefined
  } catch {
    return undefined
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
}

export interface BodyGarbageOptions {
  /** Replaced bytes that call for a collection (1 MiB). */
  thresholdBytes?: number
  /** Fewest milliseconds between two collections, however fast bodies are replaced (2 s). */
  minIntervalMs?: number
  now?: () => number
}

/** Counts the bytes of replaced bodies and collects when they add up. */
export class BodyGarbage {
  private bytes = 0
  private lastMs = Number.NEGATIVE_INFINITY
  private timer: NodeJS.Timeout | undefined
  /** Collections made. */
  collections = 0
  private readonly thresholdBytes: number
  private readonly minIntervalMs: number
  private readonly now: () => number

  constructor(
    private readonly collect: () => void,
    options: BodyGarbageOptions = {},
  ) {
    this.thresholdBytes = options.thresholdBytes ?? 1024 * 1024
    this.minIntervalMs = options.minIntervalMs ?? 2000
    this.now = options.now ?? (() => performance.now())
  }

  /**
   * A body of `bytes` (its text and its gzip form) is no longer the current one. The collection
   * runs after the current task, so the replacement that called this is done by then; a body
   * still being written to a slow scraper is kept by that write and freed by a later one.
   */
  replaced(bytes: number): void {
    this.bytes += bytes
    if (this.bytes < this.thresholdBytes || this.timer !== undefined) return
    const wait = Math.max(0, this.lastMs + this.minIntervalMs - this.now())
    this.timer = setTimeout(() => this.run(), wait)
    this.timer.unref()
  }

  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private run(): void {
    this.timer = undefined
    this.bytes = 0
    this.lastMs = this.now()
    this.collections++
    this.collect()
  }
}
