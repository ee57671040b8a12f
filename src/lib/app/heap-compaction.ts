/*
 * A compacting collection of `cadv serve`'s main-thread heap right after V8's own full
 * collection, when that one left much of the old space in partly empty pages.
 *
 * Why: V8 picks the pages it empties (evacuates) when a full collection begins, from how full
 * each page was at the last sweep plus what was allocated into it since. serve promotes a steady
 * stream of short-lived objects into the old space, into the holes the last collection left, so
 * by the next collection nearly every page looks full and few are emptied, however much of them
 * then dies: at 1,000 containers about 23 MB live sat in 31 to 34 MB of pages after each of V8's
 * collections, and RSS kept those pages (README, soak and process sections). A full collection
 * made right after one of V8's sees each page as its sweep just left it: in V8's memory-saving
 * mode (app/heap.ts) it empties pages at least a fifth free, up to 6 MB moved, and gives their
 * memory back: 30-31 MB of pages down to 22.5 in one collection.
 *
 * What it costs: that collection is atomic (marking the whole heap in one go, where V8's own
 * are incremental), on the main thread: at 1,000 containers 100 to 550 ms every 50 to 60 s on a
 * machine at load 5 to 15, scrapes served meanwhile by the metrics thread from the body in hand;
 * RSS 4 to 5 MiB lower on average (README, process section). Compacting only every few minutes
 * gave nearly nothing: one or two of V8's collections later the pages are back. It is skipped
 * when the old space is large (`maxUsedBytes`): the pause grows with the heap, and at 10,000
 * containers (105 MB used) it gave no RSS back.
 * `--no-heap-compaction` turns it off.
 *
 * When: a poll (`pollMs`) reads the old space's size and use. A fall in use since the last poll
 * means a full collection ran in between (promotions only add, a scavenge never frees old
 * space), so the pages are as its sweep left them; the compaction runs then, from a timer, out
 * of any housekeeping slice or render, if the pages hold more than `minGapBytes` and
 * `gapFraction` of the use beyond it, and at most once every `minIntervalMs`.
 */
import {getHeapSpaceStatistics} from 'node:v8'

/** The old space: bytes of pages (committed) and bytes of objects in them (live and dead since the last collection). */
export interface SpaceReading {
  committed: number
  used: number
}

export interface CompactionPolicy {
  /** Smallest gap between pages and use that calls for a compaction (4 MiB). */
  minGapBytes: number
  /** ... and the gap as a fraction of the use (0.15). */
  gapFraction: number
  /** Fewest milliseconds between two compactions. */
  minIntervalMs: number
  /** No compaction while more than this is in use: the pause grows with the heap. */
  maxUsedBytes: number
}

export const DEFAULT_POLICY: CompactionPolicy = {
  minGapBytes: 4 * 1024 * 1024,
  gapFraction: 0.15,
  minIntervalMs: 30_000,
  maxUsedBytes: 64 * 1024 * 1024,
}

/** The old space now (V8's own figures; a few microseconds). */
export function readOldSpace(): SpaceReading {
  const s = getHeapSpaceStatistics().find((x) => x.space_name === 'old_space')
  return {committed: s?.space_size ?? 0, used: s?.space_used_size ?? 0}
}

/**
 * Whether to compact now, given the last poll's reading and this one: a full collection ran in
 * between (use fell by more than a quarter of minGapBytes), and left a gap worth emptying.
 */
export function compactionDue(
  before: SpaceReading,
  now: SpaceReading,
  msSinceLast: number,
  policy: CompactionPolicy = DEFAULT_POLICY,
): boolean {
  if (now.used > before.used - policy.minGapBytes / 4) return false
  if (now.used > policy.maxUsedBytes || msSinceLast < policy.minIntervalMs) return false
  return now.committed - now.used >= Math.max(policy.minGapBytes, policy.gapFraction * now.used)
}

export interface HeapCompactionOptions {
  /** How often the old space is read (2 s). */
  pollMs?: number
  policy?: Partial<CompactionPolicy>
  read?: () => SpaceReading
  now?: () => number
  /** Told of each compaction: how long it held the thread, and the old space before and after. */
  onCompaction?: (ms: number, before: SpaceReading, after: SpaceReading) => void
}

/** Polls the old space and calls `collect` (a full collection of this thread's heap) when a compaction is due. */
export class HeapCompaction {
  /** Compactions made. */
  compactions = 0
  private last: SpaceReading
  private lastMs = Number.NEGATIVE_INFINITY
  private readonly timer: NodeJS.Timeout
  private readonly policy: CompactionPolicy
  private readonly read: () => SpaceReading
  private readonly now: () => number

  constructor(
    private readonly collect: () => void,
    private readonly options: HeapCompactionOptions = {},
  ) {
    this.policy = {...DEFAULT_POLICY, ...options.policy}
    this.read = options.read ?? readOldSpace
    this.now = options.now ?? (() => performance.now())
    this.last = this.read()
    this.timer = setInterval(() => this.poll(), options.pollMs ?? 2000)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** One poll (the timer's; a test may call it). */
  poll(): void {
    const reading = this.read()
    const due = compactionDue(this.last, reading, this.now() - this.lastMs, this.policy)
    this.last = reading
    if (!due) return
    const t0 = this.now()
    this.collect()
    this.lastMs = this.now()
    this.compactions++
    // The next poll compares with the heap as compacted, not as V8's collection left it.
    this.last = this.read()
    this.options.onCompaction?.(this.lastMs - t0, reading, this.last)
  }
}
