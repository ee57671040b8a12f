/*
 * Follows /dev/kmsg from the moment cadv starts. Each read() of the device returns one record;
 * the records already in the ring buffer when we open it are read too, but only to carry a
 * report that started before us (their OOM reports are not announced: cAdvisor replays the
 * whole buffer at start, so every restart reported old kills again).
 *
 * Node has no poll() for a character device and a blocking read would hold a libuv pool thread
 * for good, so the descriptor is non-blocking and read until EAGAIN every `pollMs` (100 ms:
 * a new record is seen within that, and an idle poll is one failed read()).
 */
import {closeSync, constants, openSync, readSync} from 'node:fs'
import {performance} from 'node:perf_hooks'

import {OomParser, parseKmsgRecord, type OomInstance} from './kmsg.js'

export const KMSG_PATH = '/dev/kmsg'
const DEFAULT_POLL_MS = 100
/** Records read per slice before yielding to the event loop (a full ring buffer is ~10,000). */
const SLICE = 2000

export interface KmsgFollowerOptions {
  path?: string
  pollMs?: number
  /** A completed OOM report, with its time in ms since the epoch (µs precision). */
  onOom(instance: OomInstance, timeMs: number): void
  /** The log became unreadable after it was opened (said once; the follower stops). */
  onError(message: string): void
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err)
}

/** Wall-clock ms of boot, from the monotonic clock the kernel stamps records with. */
function bootTimeMs(): number {
  return performance.timeOrigin + performance.now() - Number(process.hrtime.bigint()) / 1e6
}

export class KmsgFollower {
  private fd: number | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly parser = new OomParser()
  private readonly buf = Buffer.allocUnsafe(16 * 1024)
  private readonly bootMs = bootTimeMs()
  /** Records stamped before this (µs since boot) were in the buffer when we started. */
  private readonly startUsec = Number(process.hrtime.bigint() / 1000n)
  /** Until the first EAGAIN we are reading what was already there. */
  private caughtUp = false
  readonly path: string

  constructor(private readonly options: KmsgFollowerOptions) {
    this.path = options.path ?? KMSG_PATH
  }

  /** Opens the log; returns why it cannot be read (EACCES, EPERM, ENOENT), or undefined. */
  start(): string | undefined {
    try {
      this.fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK)
    } catch (err) {
      return `cannot read ${this.path}: ${errCode(err)}`
    }
    this.poll()
    if (this.fd === undefined) return `cannot read ${this.path}`
    this.timer = setInterval(() => this.poll(), this.options.pollMs ?? DEFAULT_POLL_MS)
    this.timer.unref()
    return undefined
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  /** Reads every record available now (in slices, yielding between them). */
  private poll(): void {
    const fd = this.fd
    if (fd === undefined) return
    for (let i = 0; i < SLICE; i++) {
      let n: number
      try {
        n = readSync(fd, this.buf, 0, this.buf.length, null)
      } catch (err) {
        const code = errCode(err)
        if (code === 'EAGAIN') {
          this.caughtUp = true
          return
        }
        // The record was overwritten before we read it: the next read gets the oldest one left.
        if (code === 'EPIPE') continue
        this.stop()
        this.options.onError(`reading ${this.path} failed (${code}); no more OOM events from the kernel log`)
        return
      }
      if (n === 0) {
        this.stop()
        this.options.onError(`${this.path} ended; no more OOM events from the kernel log`)
        return
      }
      const record = parseKmsgRecord(this.buf.toString('utf8', 0, n))
      if (!record) continue
      const oom = this.parser.push(record)
      if (oom && (this.caughtUp || record.usec >= this.startUsec)) this.options.onOom(oom, this.bootMs + oom.usec / 1000)
    }
    setImmediate(() => this.poll())
  }
}
