import {TickQueue} from './tick-queue.js'
import type {ContainerName} from '../model/index.js'

export interface HousekeepingOptions {
  /** Base interval (`--housekeeping-interval`, cAdvisor: 1 s). */
  intervalMs: number
  /** Ceiling for dynamic back-off (`--max-housekeeping-interval`, cAdvisor: 60 s). */
  maxIntervalMs: number
  /** Double the interval while samples are equal, snap back on change (cAdvisor: on). */
  dynamic: boolean
  /** Each wait is interval × (1 + U[0,1) × factor); 0 = exact ticks (cAdvisor: 1.0). */
  jitterFactor: number
  /** Factor for a container's first wait, spreading containers found at once (cAdvisor: 1.0). */
  initialSplayFactor?: number
  /**
   * Let requests and events go first (tick-queue.ts), the default; false runs each read as its
   * timer fires, all due reads in one go (the benchmarks' baseline).
   */
  yieldToRequests?: boolean
}

export const DEFAULT_HOUSEKEEPING: HousekeepingOptions = {
  intervalMs: 1000,
  maxIntervalMs: 60_000,
  dynamic: true,
  jitterFactor: 1,
}

/** What one tick found: nothing moved, something moved, or no sample (the cgroup vanished). */
export type TickOutcome = 'equal' | 'changed' | 'none'

/**
 * cAdvisor's nextHousekeepingInterval: double while the two newest samples are equal (capped
 * at the maximum), go straight back to the base interval as soon as they differ.
 */
export function nextInterval(current: number, outcome: TickOutcome, o: HousekeepingOptions): number {
  if (!o.dynamic) return o.intervalMs
  if (outcome === 'equal' && current < o.maxIntervalMs) return Math.min(current * 2, o.maxIntervalMs)
  if (outcome === 'changed' && current !== o.intervalMs) return o.intervalMs
  return current
}

export function withJitter(intervalMs: number, factor: number, random: () => number = Math.random): number {
  return factor > 0 ? intervalMs + random() * factor * intervalMs : intervalMs
}

/** What housekeeping ticks: one container's tracker (collector → store → changed?). */
export interface Tickable {
  tick(): TickOutcome
}

interface Entry {
  target: Tickable
  interval: number
  timer: NodeJS.Timeout | undefined
  ticks: number
  /** The last tick was shed: this one is not, so every container is read at least every other interval. */
  shed: boolean
}

/** A read is shed only after waiting this long, and at least two of its intervals. */
const SHED_FLOOR_MS = 1000

/**
 * One timer per container: when it fires, the container's tick is due and goes to the tick
 * queue (tick-queue.ts), which runs it after requests and events, in short slices, or sheds it
 * when the process is too far behind. The first tick is due as soon as the container is added,
 * then every jittered interval after the previous tick; each tick reads and stores a sample and
 * says whether anything moved.
 */
export class Housekeeping {
  private readonly entries = new Map<ContainerName, Entry>()
  readonly queue: TickQueue

  constructor(
    readonly options: HousekeepingOptions,
    private readonly random: () => number = Math.random,
    queue?: TickQueue,
  ) {
    this.queue = queue ?? (options.yieldToRequests === false ? new TickQueue(Number.POSITIVE_INFINITY, (run) => run()) : new TickQueue())
  }

  has(name: ContainerName): boolean {
    return this.entries.has(name)
  }

  /** Current interval of a container (ms), for logs and tests. */
  interval(name: ContainerName): number | undefined {
    return this.entries.get(name)?.interval
  }

  add(name: ContainerName, target: Tickable): void {
    if (this.entries.has(name)) return
    const entry: Entry = {target, interval: this.options.intervalMs, ticks: 0, timer: undefined, shed: false}
    entry.timer = setTimeout(() => this.due(name, entry), 0)
    this.entries.set(name, entry)
  }

  remove(name: ContainerName): void {
    const e = this.entries.get(name)
    if (!e) return
    clearTimeout(e.timer)
    this.entries.delete(name)
  }

  /**
   * Reads the container at the next turn of the event loop instead of at its next tick: for
   * news from outside cgroupfs (a disk walk that finished), which back-off would otherwise
   * delay by up to the maximum interval.
   */
  soon(name: ContainerName): void {
    const e = this.entries.get(name)
    if (!e) return
    clearTimeout(e.timer)
    // Still behind requests and events: it joins the tick queue like any due read.
    e.timer = setTimeout(() => this.due(name, e), 0)
  }

  stop(): void {
    for (const e of this.entries.values()) clearTimeout(e.timer)
    this.entries.clear()
    this.queue.stop()
  }

  /** The timer fired: the tick joins the queue. */
  private due(name: ContainerName, e: Entry): void {
    e.timer = undefined
    if (this.entries.get(name) !== e) return
    this.queue.submit({
      run: () => this.run(name, e),
      shed: () => {
        e.shed = true
        this.next(name, e, 'none')
      },
      // Never a first tick (a new container's first sample is what it is waited for), nor the
      // tick after a shed one; otherwise only a read far behind, when reading it late would push
      // every other read later too.
      maxWaitMs: e.ticks === 0 || e.shed ? Number.POSITIVE_INFINITY : Math.max(2 * e.interval, SHED_FLOOR_MS),
    })
  }

  private run(name: ContainerName, e: Entry): void {
    if (this.entries.get(name) !== e) return
    e.shed = false
    let outcome: TickOutcome = 'none'
    try {
      outcome = e.target.tick()
    } finally {
      this.next(name, e, outcome)
    }
  }

  private next(name: ContainerName, e: Entry, outcome: TickOutcome): void {
    // The tick may have removed the container (vanished and deleted meanwhile).
    if (this.entries.get(name) !== e) return
    e.interval = nextInterval(e.interval, outcome, this.options)
    const factor = e.ticks === 0 ? (this.options.initialSplayFactor ?? this.options.jitterFactor) : this.options.jitterFactor
    e.ticks++
    e.timer = setTimeout(() => this.due(name, e), withJitter(e.interval, factor, this.random))
  }
}
