import {performance} from 'node:perf_hooks'

import {DueHeap, type Due} from './due-heap.js'
import {TickQueue, type DueTick} from './tick-queue.js'
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
   * The wait between a container's first and second reads, when that should be shorter than the
   * interval: `cadv stats` has rates (which need two readings) in its first table sooner. That
   * wait is exact; the splay of initialSplayFactor goes to the wait after the second read.
   */
  firstIntervalMs?: number
  /**
   * The read firstIntervalMs after the first is for the first rates only: the tracker reads the
   * counters rates are made of (and what arrived meanwhile) and keeps the rest of the first read
   * (KindReader.freshParts).
   */
  firstRatesOnly?: boolean
  /**
   * The first read takes the counters alone ('counters'), and the rest of that reading joins the
   * tick queue behind every read already due ('rest'): at start-up every container's counters
   * are read before anyone's gauges, so the first window of the last container found opens
   * sooner and the gauges are read inside the windows instead of before them.
   */
  firstCountersFirst?: boolean
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
 * What a read takes: everything ('whole'); the counters rates are made of (KindReader.freshParts)
 * as a new sample whose 'rest' is read into it later; or the counters again with the rest kept
 * from the sample before ('rates').
 */
export type ReadPart = 'whole' | 'counters' | 'rest' | 'rates'

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

/**
 * The finest step of a jittered read's time: a hundredth of its interval, at most this. A
 * jittered time is random within [interval, interval × (1 + factor)) anyway; put on a grid (the
 * next multiple of the step), the reads of many containers fall due together and one timer
 * turn takes them all. At 10,000 containers backed off to a minute, about 100 reads a second
 * each came with a timer turn of their own (a wake-up, a Timeout, a turn of the tick queue);
 * on a 250 ms grid they come four times a second. At 1 s, reads share 10 ms steps.
 */
export const DUE_GRID_MAX_MS = 250

/** `at` (ms) put on the grid of a read whose interval is `intervalMs` (rounded up: never sooner). */
export function onDueGrid(at: number, intervalMs: number): number {
  const step = Math.min(DUE_GRID_MAX_MS, intervalMs / 100)
  return step > 0 ? Math.ceil(at / step) * step : at
}

/** What housekeeping ticks: one container's tracker (collector → store → changed?). */
export interface Tickable {
  /**
   * `intervalMs`: the container's current interval, which says how soon it is read again;
   * `part`: what this read takes (default whole; see HousekeepingOptions.firstRatesOnly and
   * firstCountersFirst). A 'rest' read's outcome is not looked at: it is part of the read before.
   */
  tick(intervalMs?: number, part?: ReadPart): TickOutcome
}

/** A read is shed only after waiting this long, and at least two of its intervals. */
const SHED_FLOOR_MS = 1000

/**
 * Timers fire on the loop's millisecond clock, a little before the precise one may say; a read
 * due within this of "now" is due.
 */
const TIMER_SLACK_MS = 1

/** One container's place in the schedule; it is also the tick the queue runs when it is due. */
class Entry implements DueTick, Due {
  interval: number
  ticks = 0
  /** The last tick was shed: this one is not, so every container is read at least every other interval. */
  wasShed = false
  /** In the tick queue, waiting for its turn. */
  queued = false
  /** soon() while it was running: its next read is due at once. */
  soonAfter = false
  dueAt = 0
  pos = -1

  constructor(
    private readonly hk: Housekeeping,
    readonly name: ContainerName,
    readonly target: Tickable,
    interval: number,
  ) {
    this.interval = interval
  }

  run(): void {
    this.hk.runEntry(this)
  }

  shed(): void {
    this.hk.shedEntry(this)
  }

  /**
   * Never a first or second tick (a new container's first sample, and its first rates, are what
   * it is waited for: shed at start-up, a loaded host's first table lacked a few rows for a
   * whole interval), nor the tick after a shed one; otherwise only a read far behind, when
   * reading it late would push every other read later too.
   */
  get maxWaitMs(): number {
    return this.ticks < 2 || this.wasShed ? Number.POSITIVE_INFINITY : Math.max(2 * this.interval, SHED_FLOOR_MS)
  }
}

/** The rest of a first reading taken counters first: queued like a read, never shed. */
class RestOfReading implements DueTick {
  readonly maxWaitMs = Number.POSITIVE_INFINITY

  constructor(
    private readonly hk: Housekeeping,
    private readonly e: Entry,
  ) {}

  run(): void {
    this.hk.runRest(this.e)
  }

  shed(): void {
    this.run()
  }
}

/**
 * Every container's next read in one heap (due-heap.ts) under one timer, armed for the
 * earliest: a timer per container per tick was a Timeout, two closures and a queue entry a
 * read, at 1,000 containers a second of garbage to collect. When the timer fires, the reads
 * due go to the tick queue (tick-queue.ts), which runs them after requests and events, in
 * short slices, or sheds one when the process is too far behind. The first read is due as
 * soon as the container is added, then every jittered interval after the previous read; each
 * read stores a sample and says whether anything moved.
 */
export class Housekeeping {
  private readonly entries = new Map<ContainerName, Entry>()
  private readonly heap = new DueHeap<Entry>()
  private timer: NodeJS.Timeout | undefined
  /** The time the timer is armed for (Infinity: not armed). */
  private armedAt = Number.POSITIVE_INFINITY
  readonly queue: TickQueue

  /** `clock` gives milliseconds on a monotonic scale (tests give their own). */
  constructor(
    readonly options: HousekeepingOptions,
    private readonly random: () => number = Math.random,
    queue?: TickQueue,
    private readonly clock: () => number = () => performance.now(),
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
    const e = new Entry(this, name, target, this.options.intervalMs)
    this.entries.set(name, e)
    this.schedule(e, this.clock())
  }

  remove(name: ContainerName): void {
    const e = this.entries.get(name)
    if (!e) return
    this.heap.remove(e)
    this.entries.delete(name)
  }

  /**
   * Reads the container at the next turn of the event loop instead of at its next tick: for
   * news from outside cgroupfs (a disk walk that finished), which back-off would otherwise
   * delay by up to the maximum interval.
   */
  soon(name: ContainerName): void {
    const e = this.entries.get(name)
    if (!e || e.queued) return
    // Running now: its next read is due at once. Otherwise still behind requests and events: it
    // joins the tick queue like any due read.
    if (!this.heap.has(e)) e.soonAfter = true
    else this.schedule(e, this.clock())
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.armedAt = Number.POSITIVE_INFINITY
    this.heap.clear()
    this.entries.clear()
    this.queue.stop()
  }

  /** @internal The tick queue's turn for `e` (Entry.run). */
  runEntry(e: Entry): void {
    e.queued = false
    if (this.entries.get(e.name) !== e) return
    e.wasShed = false
    let outcome: TickOutcome = 'none'
    try {
      const part = this.partOf(e)
      outcome = part === 'whole' ? e.target.tick(e.interval) : e.target.tick(e.interval, part)
      // Behind every read due now: the counters of the containers found together come first.
      if (part === 'counters') this.queue.submit(new RestOfReading(this, e))
    } finally {
      this.next(e, outcome)
    }
  }

  /** @internal The rest of `e`'s first reading (RestOfReading.run), unless it went meanwhile. */
  runRest(e: Entry): void {
    if (this.entries.get(e.name) === e) e.target.tick(e.interval, 'rest')
  }

  private partOf(e: Entry): ReadPart {
    const o = this.options
    if (o.firstIntervalMs === undefined || e.ticks > 1) return 'whole'
    if (e.ticks === 0) return o.firstCountersFirst === true ? 'counters' : 'whole'
    return o.firstRatesOnly === true ? 'rates' : 'whole'
  }

  /** @internal Not read this round (Entry.shed). */
  shedEntry(e: Entry): void {
    e.queued = false
    if (this.entries.get(e.name) !== e) return
    e.wasShed = true
    this.next(e, 'none')
  }

  private next(e: Entry, outcome: TickOutcome): void {
    // The tick may have removed the container (vanished and deleted meanwhile).
    if (this.entries.get(e.name) !== e) return
    e.interval = nextInterval(e.interval, outcome, this.options)
    const first = this.options.firstIntervalMs
    const splayAt = first === undefined ? 0 : 1
    const factor = e.ticks === splayAt ? (this.options.initialSplayFactor ?? this.options.jitterFactor) : this.options.jitterFactor
    const now = this.clock()
    // Only a jittered time goes on the grid: an exact one (no jitter, the first reading's second
    // read, soon()) is kept.
    const at = e.soonAfter
      ? now
      : e.ticks === 0 && first !== undefined
        ? now + first
        : factor > 0
          ? onDueGrid(now + withJitter(e.interval, factor, this.random), e.interval)
          : now + e.interval
    e.ticks++
    e.soonAfter = false
    this.schedule(e, at)
  }

  /** Puts `e` in the heap due at `at` (or moves it there) and keeps the timer on the earliest. */
  private schedule(e: Entry, at: number): void {
    e.dueAt = at
    if (this.heap.has(e)) this.heap.update(e)
    else this.heap.push(e)
    if (at < this.armedAt) this.arm(this.clock())
  }

  private arm(now: number): void {
    clearTimeout(this.timer)
    const first = this.heap.peek()
    if (first === undefined) {
      this.timer = undefined
      this.armedAt = Number.POSITIVE_INFINITY
      return
    }
    this.armedAt = first.dueAt
    this.timer = setTimeout(this.fire, Math.max(0, first.dueAt - now))
  }

  /** The timer fired: every read due joins the queue, then the timer waits for the next one. */
  private readonly fire = (): void => {
    this.timer = undefined
    this.armedAt = Number.POSITIVE_INFINITY
    const now = this.clock()
    for (let e = this.heap.peek(); e !== undefined && e.dueAt <= now + TIMER_SLACK_MS; e = this.heap.peek()) {
      this.heap.pop()
      e.queued = true
      this.queue.submit(e)
    }
    this.arm(now)
  }
}
