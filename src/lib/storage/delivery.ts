/*
 * Delivery of one driver's samples, the same for every driver:
 * - batches: samples wait up to --storage-driver-buffer-duration (or go at once for drivers
 *   that send immediately), and go sooner when a batch is full;
 * - order: one request at a time, oldest first; a batch that failed is sent again before
 *   anything newer, so a backlog arrives in the order it was taken;
 * - retries with exponential backoff (with jitter) while the backend is down or slow;
 * - a bounded buffer: past `limitBytes` of encoded samples (those in flight included) the
 *   oldest waiting samples are dropped, counted, and said once on stderr;
 * - at least once: a batch whose answer was lost (a timeout after the backend stored it) is
 *   sent again.
 * Nothing here blocks: a slow backend costs this driver's queue only, never housekeeping,
 * /metrics or another driver.
 */
import {formatBytes} from '../util/index.js'
import {encodedBytes, type Encoded, type StorageDriver} from './driver.js'
import {PermanentSendError} from './errors.js'
import {Fifo} from './fifo.js'

export interface RetryPolicy {
  /** Wait after the first failure; doubled after each further one. */
  baseMs: number
  maxMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {baseMs: 250, maxMs: 10_000}

export interface DeliveryOptions {
  bufferDurationMs: number
  /** Most bytes of encoded samples held (waiting and in flight). */
  limitBytes: number
  retry?: RetryPolicy
  /** A line the operator must see (stderr). */
  warn: (message: string) => void
  now?: () => number
}

/** A driver's counters, for the cadv_storage_* metrics. */
export interface DeliveryStats {
  driver: string
  sentSamples: number
  /** Requests that failed (each retry counts). */
  failedSends: number
  /** Samples given up: dropped oldest from a full buffer, refused by the backend, left at exit. */
  droppedSamples: number
  queuedSamples: number
  queuedBytes: number
  limitBytes: number
  /** When a request last succeeded, ms since the epoch. */
  lastSuccessMs?: number
}

interface Item {
  data: Encoded
  bytes: number
  atMs: number
}

/** Permanent refusals are said at most this often per driver, with a count of the ones not said. */
const REFUSAL_NOTE_MS = 60_000

export class Delivery {
  private readonly queue = new Fifo<Item>()
  private inflight: Item[] = []
  /** Bytes waiting plus in flight. */
  private bytes = 0
  private timer: NodeJS.Timeout | undefined
  private timerKind: 'window' | 'backoff' | undefined
  private soon: NodeJS.Immediate | undefined
  private sending = false
  private failures = 0
  private failingSinceMs = 0
  private flushing = false
  private closed = false
  private warnedFull = false
  private lastRefusalNoteMs = -Infinity
  private refusalsUnsaid = 0
  private idle: Array<() => void> = []
  private readonly retry: RetryPolicy
  private readonly now: () => number
  private readonly counters = {sentSamples: 0, failedSends: 0, droppedSamples: 0, lastSuccessMs: undefined as number | undefined}

  constructor(
    readonly driver: StorageDriver,
    private readonly options: DeliveryOptions,
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY
    this.now = options.now ?? Date.now
  }

  get stats(): DeliveryStats {
    return {
      driver: this.driver.name,
      ...this.counters,
      queuedSamples: this.queue.length + this.inflight.length,
      queuedBytes: this.bytes,
      limitBytes: this.options.limitBytes,
    }
  }

  /** Takes one encoded sample. */
  push(data: Encoded): void {
    if (this.closed) {
      this.counters.droppedSamples++
      return
    }
    const bytes = encodedBytes(data)
    this.queue.push({data, bytes, atMs: this.now()})
    this.bytes += bytes
    this.enforceLimit()
    this.schedule()
  }

  /**
   * Sends everything held now, retrying with backoff, until done or `deadlineMs` passed; then
   * stops taking samples. Resolves with the number of samples left undelivered (counted as dropped).
   */
  async stop(deadlineMs: number): Promise<number> {
    this.flushing = true
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = undefined
      this.timerKind = undefined
    }
    this.schedule()
    let deadline: NodeJS.Timeout | undefined
    await Promise.race([this.whenIdle(), new Promise((r) => (deadline = setTimeout(r, deadlineMs)))])
    clearTimeout(deadline)
    this.closed = true
    clearTimeout(this.timer)
    clearImmediate(this.soon)
    const left = this.queue.length + this.inflight.length
    this.counters.droppedSamples += left
    return left
  }

  /** Resolves when nothing waits and nothing is in flight. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && !this.sending) return Promise.resolve()
    return new Promise((r) => this.idle.push(r))
  }

  private enforceLimit(): void {
    let dropped = 0
    while (this.bytes > this.options.limitBytes && this.queue.length > 0) {
      this.bytes -= this.queue.shift()!.bytes
      dropped++
    }
    if (dropped === 0) return
    this.counters.droppedSamples += dropped
    if (!this.warnedFull) {
      this.warnedFull = true
      this.options.warn(
        `storage driver ${this.driver.name}: buffer full (${formatBytes(this.options.limitBytes)}, --storage-driver-buffer-limit): dropping the oldest samples, counted in cadv_storage_dropped_samples_total{driver="${this.driver.name}"}; said once`,
      )
    }
  }

  /** How long the oldest sample may still wait before its batch goes. */
  private waitMs(): number {
    if (this.flushing || this.driver.immediate) return 0
    if (this.queue.length >= this.driver.maxBatchSamples || this.bytes - this.inflightBytes() >= this.driver.maxBatchBytes) return 0
    return this.queue.peek()!.atMs + this.options.bufferDurationMs - this.now()
  }

  private inflightBytes(): number {
    let n = 0
    for (const i of this.inflight) n += i.bytes
    return n
  }

  private schedule(): void {
    if (this.closed || this.sending || this.soon || this.timerKind === 'backoff') return
    if (this.queue.length === 0) {
      for (const r of this.idle.splice(0)) r()
      return
    }
    const wait = this.waitMs()
    if (wait > 0) {
      if (!this.timer) {
        this.timerKind = 'window'
        this.timer = setTimeout(() => this.fire(), wait)
      }
      return
    }
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.timerKind = undefined
    // On the next turn, so that the samples of one housekeeping burst go in one request.
    this.soon = setImmediate(() => {
      this.soon = undefined
      this.sendNext()
    })
  }

  private fire(): void {
    this.timer = undefined
    this.timerKind = undefined
    this.schedule()
  }

  private sendNext(): void {
    if (this.closed || this.sending || this.queue.length === 0) return this.schedule()
    const batch: Item[] = []
    let bytes = 0
    while (this.queue.length > 0 && batch.length < this.driver.maxBatchSamples) {
      const next = this.queue.peek()!
      if (batch.length > 0 && bytes + next.bytes > this.driver.maxBatchBytes) break
      batch.push(this.queue.shift()!)
      bytes += next.bytes
    }
    this.inflight = batch
    this.sending = true
    Promise.resolve()
      .then(() => this.driver.send(batch.map((i) => i.data)))
      .then(
        () => this.succeeded(batch, bytes),
        (err: unknown) => this.failed(batch, bytes, err instanceof Error ? err : new Error(String(err))),
      )
      .finally(() => {
        this.inflight = []
        this.sending = false
        this.schedule()
      })
  }

  private succeeded(batch: Item[], bytes: number): void {
    this.bytes -= bytes
    this.counters.sentSamples += batch.length
    this.counters.lastSuccessMs = this.now()
    if (this.failures > 0) {
      const secs = ((this.now() - this.failingSinceMs) / 1000).toFixed(1)
      this.options.warn(
        `storage driver ${this.driver.name}: delivering again after ${secs} s (${this.failures} failed attempts); ${this.queue.length} samples still waiting`,
      )
    }
    this.failures = 0
  }

  private failed(batch: Item[], bytes: number, err: Error): void {
    this.counters.failedSends++
    if (err instanceof PermanentSendError) {
      this.bytes -= bytes
      this.counters.droppedSamples += batch.length
      const now = this.now()
      if (now - this.lastRefusalNoteMs >= REFUSAL_NOTE_MS) {
        const more = this.refusalsUnsaid > 0 ? ` (and ${this.refusalsUnsaid} more refusals since the last note)` : ''
        this.options.warn(
          `storage driver ${this.driver.name}: ${this.driver.target} refused ${batch.length} samples: ${err.message}${more}`,
        )
        this.lastRefusalNoteMs = now
        this.refusalsUnsaid = 0
      } else {
        this.refusalsUnsaid++
      }
      return
    }
    this.inflight = []
    this.queue.unshiftAll(batch)
    if (this.failures === 0) {
      this.failingSinceMs = this.now()
      this.options.warn(
        `storage driver ${this.driver.name}: cannot send to ${this.driver.target}: ${err.message}; retrying with backoff, keeping up to ${formatBytes(this.options.limitBytes)} of samples`,
      )
    }
    this.failures++
    this.enforceLimit()
    const delay = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (this.failures - 1)) * (0.75 + Math.random() * 0.5)
    this.timerKind = 'backoff'
    this.timer = setTimeout(() => this.fire(), delay)
  }
}
