/**
 * A container's sample times in the store (History), oldest first: a ring of 32-bit offsets in
 * milliseconds from a base, 4 bytes a time. An array of numbers held each time as an 8-byte
 * double with about a quarter spare (1.1 KiB a container read every second for 2 minutes; the
 * largest single part of a History at 1,000 containers). A ring of 16 or fewer lives in V8's heap
 * (a container read rarely keeps a few); a larger one is a block of its own, outside it.
 *
 * Date.now() times are whole milliseconds, so an offset is exact. A time that is not (a caller's
 * own), or that a 32-bit offset cannot reach from the others (a store holding more than 49 days),
 * turns the ring into 8-byte doubles for good: nothing is ever rounded.
 */

/** 2^32: the first offset a Uint32Array cannot hold. */
const SPAN = 0x1_0000_0000
/** The smallest ring (on V8's heap up to 64 bytes: 16 offsets). */
const MIN_CAPACITY = 4

export class TimeRing {
  /** Offsets from `base` (Uint32Array) or the times themselves (Float64Array). */
  private ring: Uint32Array | Float64Array = new Uint32Array(MIN_CAPACITY)
  /** Where the oldest time is in the ring. */
  private head = 0
  private base = 0
  /** How many times the ring holds. */
  length = 0

  /** Time `i`, 0 ≤ i < length (0: the oldest). */
  at(i: number): number {
    const r = this.ring
    const v = r[(this.head + i) & (r.length - 1)]!
    return r instanceof Uint32Array ? this.base + v : v
  }

  /** The newest time (length > 0). */
  last(): number {
    return this.at(this.length - 1)
  }

  /** Adds `t` as the newest (not older than last()). */
  push(t: number): void {
    this.fit(t)
    if (this.length === this.ring.length) this.resize(this.ring.length * 2)
    const r = this.ring
    r[(this.head + this.length++) & (r.length - 1)] = r instanceof Uint32Array ? t - this.base : t
  }

  /** Drops the `n` oldest. */
  dropOldest(n: number): void {
    const r = this.ring
    this.head = (this.head + n) & (r.length - 1)
    this.length -= n
    // Most of the ring unused (the container is read less often now): half of it goes.
    if (r.length > MIN_CAPACITY && this.length <= r.length / 4) this.resize(r.length / 2)
  }

  /** Inserts `t` at place `i` (0 ≤ i ≤ length), the times in order: rare (a sample out of order), so made anew. */
  insert(i: number, t: number): void {
    const times = this.toArray()
    times.splice(i, 0, t)
    this.length = 0
    this.head = 0
    for (const x of times) this.push(x)
  }

  private toArray(): number[] {
    const out: number[] = []
    for (let k = 0; k < this.length; k++) out.push(this.at(k))
    return out
  }

  /**
   * Makes room for `t` (times are in order, so only the first or last moves the span): a
   * whole time within 2^32 ms of the others is an offset, from a base moved to the oldest when
   * needed; any other turns the ring into doubles.
   */
  private fit(t: number): void {
    if (!(this.ring instanceof Uint32Array)) return
    const whole = Number.isInteger(t)
    if (this.length === 0) {
      if (whole) {
        this.base = t
        return
      }
    } else if (whole && t >= this.base && t - this.base < SPAN) return
    const times = this.toArray()
    const lo = Math.min(t, times[0] ?? t)
    const hi = Math.max(t, times[times.length - 1] ?? t)
    const offsets = whole && hi - lo < SPAN
    const r = offsets ? new Uint32Array(this.ring.length) : new Float64Array(this.ring.length)
    for (let k = 0; k < times.length; k++) r[k] = offsets ? times[k]! - lo : times[k]!
    this.ring = r
    this.head = 0
    this.base = offsets ? lo : 0
  }

  private resize(cap: number): void {
    const old = this.ring
    const r = old instanceof Uint32Array ? new Uint32Array(cap) : new Float64Array(cap)
    for (let k = 0; k < this.length; k++) r[k] = old[(this.head + k) & (old.length - 1)]!
    this.ring = r
    this.head = 0
  }
}
