/*
 * Housekeeping's place in the event loop, behind scrapes and /healthz. Whatever decides when a
 * container is due (Housekeeping: one timer over a heap of due times) hands the due tick to
 * this queue instead of running it, and the queue runs ticks in slices of at most SLICE_MS from
 * setImmediate: between two slices the event loop polls its sockets, so a request waits for one
 * slice at most, never for a whole round of containers that fell due together (after the process was descheduled, say). A tick that waited in the queue
 * longer than it may (Housekeeping: two of its intervals and at least a second, and never twice
 * in a row) is shed: not read this round, its container is simply due again one interval later;
 * reading it late would only push every other tick later too.
 * The counters say how often each happened (`cadv_housekeeping_*`).
 */
import {performance} from 'node:perf_hooks'

/** The longest stretch of ticks between two looks at the sockets. */
export const SLICE_MS = 5

/** A container's tick, due now. */
export interface DueTick {
  /** Reads the container (the tracker's tick) and schedules its next one. */
  run(): void
  /** Not read this round: schedule the next one without reading. */
  shed(): void
  /** Longer than this in the queue and it is shed (the container's interval). */
  readonly maxWaitMs: number
}

export interface TickQueueStats {
  /** Ticks run since start. */
  ran: number
  /** Ticks shed: they waited longer than their interval. */
  shed: number
  /** Times a slice ended with ticks still queued, to let requests and events in first. */
  yields: number
  /** Longest wait of a tick in the queue since the last takeMaxWait(), ms. */
  maxWaitMs: number
}

export class TickQueue {
  /** Ticks waiting and when each was queued (two arrays: no object per queued tick). */
  private queue: DueTick[] = []
  private queuedAt: number[] = []
  private head = 0
  private scheduled = false
  private stopped = false
  private readonly counters = {ran: 0, shed: 0, yields: 0}
  private maxWait = 0

  /** `defer` runs the next slice; setImmediate lets the sockets be looked at first. */
  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly defer: (run: () => void) => void = setImmediate,
  ) {}

  /** Queues a due tick; it runs after the sockets have been looked at. */
  submit(tick: DueTick): void {
    if (this.stopped) return
    this.queue.push(tick)
    this.queuedAt.push(performance.now())
    if (!this.scheduled) {
      this.scheduled = true
      this.defer(this.drain)
    }
  }

  get length(): number {
    return this.queue.length - this.head
  }

  stats(): TickQueueStats {
    return {...this.counters, maxWaitMs: this.maxWait}
  }

  /** The longest wait since the last call (a gauge per scrape), then starts over. */
  takeMaxWait(): number {
    const m = this.maxWait
    this.maxWait = 0
    return m
  }

  stop(): void {
    this.stopped = true
    this.queue = []
    this.queuedAt = []
    this.head = 0
  }

  private readonly drain = (): void => {
    this.scheduled = false
    if (this.stopped) return
    const start = performance.now()
    let now = start
    while (this.head < this.queue.length && now - start < this.sliceMs) {
      const tick = this.queue[this.head]!
      const waited = now - this.queuedAt[this.head]!
      this.head++
      if (waited > this.maxWait) this.maxWait = waited
      if (waited > tick.maxWaitMs) {
        this.counters.shed++
        tick.shed()
      } else {
        this.counters.ran++
        tick.run()
      }
      now = performance.now()
    }
    if (this.head < this.queue.length) {
      this.counters.yields++
      this.scheduled = true
      this.defer(this.drain)
    }
    // Drop what was run; keep the array from growing without end.
    if (this.head > 1024 || this.head === this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.queuedAt = this.queuedAt.slice(this.head)
      this.head = 0
    }
  }
}
