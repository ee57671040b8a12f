import type {ContainerName, Sample, SampleList} from '../model/index.js'
import {CompactSample, Packed} from './compact.js'
import {sameParts, shareParts} from './equal.js'
import {TimeRing} from './time-ring.js'

export interface StoreOptions {
  /** Samples older than newest − this are dropped (`--storage-duration`, cAdvisor: 2 min). */
  maxAgeMs: number
  /** Hard bound per container whatever the age, so a fast tick cannot grow memory without end. */
  maxSamples: number
}

/** How many of the newest samples stay plain objects; older ones are packed (compact.ts). */
const PLAIN_NEWEST = 2

export const DEFAULT_STORE: StoreOptions = {maxAgeMs: 120_000, maxSamples: 256}

/**
 * An entry of a History's list: a sample, its Packed numbers, or a count — how many more
 * samples in a row the Packed before it stands for.
 */
type Entry = Sample | Packed | number

/**
 * One container's samples, oldest first: each sample's time (a 32-bit offset, TimeRing), and beside them
 * the samples themselves (the newest PLAIN_NEWEST) or their Packed numbers, a run of equal
 * numbers as one Packed and a count. An object per retained sample was 40 bytes and an array
 * slot, 120,000 of them at 1,000 containers read every second, each one for the collector to
 * mark; then a retained sample was 16 bytes and no object; now an idle container's two minutes
 * are its times and three entries (a Packed, a count, the newest two), not a slot a sample.
 * Reading an older one makes a CompactSample for the reader.
 */
class History implements SampleList {
  private readonly times = new TimeRing()
  /** Samples, Packed numbers and counts (Entry), in the order of times. */
  private readonly entries: Entry[] = []
  /** The plain sample the newest packed one was made from. */
  private packedFrom: Sample | undefined
  /**
   * What packedFrom was packed into, kept after age drops it from the list: a container read
   * every 30 to 60 s (backing off) has its packed sample gone by the time the next one is
   * packed, which then had none before it to share and was packed anew at nearly every reading
   * (a string key of every field: most of a backed-off reading's time in the store).
   */
  private lastPacked: Packed | undefined
  /** Whether the sample added last equals the one that was newest before it (undefined: none, or added out of order). */
  addedEqual: boolean | undefined

  get length(): number {
    return this.times.length
  }

  at(index: number): Sample | undefined {
    const n = this.times.length
    const i = index < 0 ? index + n : index
    if (!Number.isInteger(i) || i < 0 || i >= n) return undefined
    return this.read(i, this.itemAt(i))
  }

  slice(start = 0, end = this.times.length): Sample[] {
    const n = this.times.length
    const from = start < 0 ? Math.max(0, n + start) : Math.min(start, n)
    const to = end < 0 ? Math.max(0, n + end) : Math.min(end, n)
    const out: Sample[] = []
    this.each(from, to, (i, item) => out.push(this.read(i, item)))
    return out
  }

  /** As an array would be written. */
  toJSON(): Sample[] {
    return this.slice()
  }

  *[Symbol.iterator](): Iterator<Sample> {
    let i = 0
    let item: Sample | Packed | undefined
    for (const x of this.entries) {
      if (typeof x !== 'number') item = x
      for (let end = i + (typeof x === 'number' ? x : 1); i < end; i++) yield this.read(i, item!)
    }
  }

  /** The newest sample (always plain). */
  latest(): Sample | undefined {
    return this.entries[this.entries.length - 1] as Sample | undefined
  }

  private read(i: number, item: Sample | Packed): Sample {
    return item instanceof Packed ? new CompactSample(this.times.at(i), item) : item
  }

  /** The sample or Packed numbers of sample `i` (0 ≤ i < length): counted from the nearer end. */
  private itemAt(i: number): Sample | Packed {
    const e = this.entries
    if (2 * i < this.times.length) {
      let pos = 0
      for (let k = 0; ; k++) {
        const x = e[k]!
        const next = typeof x === 'number' ? pos + x : pos + 1
        if (i < next) return (typeof x === 'number' ? e[k - 1] : x) as Sample | Packed
        pos = next
      }
    }
    let pos = this.times.length
    for (let k = e.length - 1; ; k--) {
      const x = e[k]!
      pos -= typeof x === 'number' ? x : 1
      if (i >= pos) return (typeof x === 'number' ? e[k - 1] : x) as Sample | Packed
    }
  }

  /** Calls `f` with each sample index in [from, to) and its sample or Packed numbers. */
  private each(from: number, to: number, f: (i: number, item: Sample | Packed) => void): void {
    let pos = 0
    let item: Sample | Packed | undefined
    for (const x of this.entries) {
      if (pos >= to) return
      const count = typeof x === 'number' ? x : 1
      if (typeof x !== 'number') item = x
      for (let i = Math.max(pos, from); i < Math.min(pos + count, to); i++) f(i, item!)
      pos += count
    }
  }

  add(sample: Sample, options: StoreOptions): void {
    const {times} = this
    const t = sample.timestampMs
    const n = times.length
    if (n > 0 && times.last() > t) {
      this.addOutOfOrder(sample, options)
      return
    }
    const last = this.latest()
    this.addedEqual = last ? shareParts(last, sample) : undefined
    times.push(t)
    this.entries.push(sample)
    this.dropOld(options)
    // Nothing packed left (a container read every minute or less often keeps two samples): the
    // last packing's pair is let go rather than held for a packing that may never come.
    if (times.length <= PLAIN_NEWEST) {
      this.packedFrom = undefined
      this.lastPacked = undefined
      return
    }
    // All but the newest PLAIN_NEWEST are kept packed (rates and metrics read only those): in
    // order, that is the one sample just past them, each the only sample of its entry.
    const e = this.entries
    const k = e.length - 1 - PLAIN_NEWEST
    const x = e[k]!
    if (typeof x === 'number' || x instanceof Packed) return
    const prev = k > 0 ? e[k - 1] : undefined
    // The run of packed numbers before it; else what packedFrom was packed into, gone by age.
    const run = typeof prev === 'number' ? (e[k - 2] as Packed) : prev instanceof Packed ? prev : undefined
    const before = run ?? this.lastPacked
    // Parts unchanged since the last one packed (an idle container): the same numbers, without
    // walking the sample again.
    const from = this.packedFrom
    const packed = before !== undefined && from !== undefined && sameParts(x, from) ? before : Packed.of(x, before)
    this.packedFrom = x
    this.lastPacked = packed
    if (packed !== run) e[k] = packed
    else if (typeof prev === 'number') {
      // One more of the run before: its count grows, and this entry goes.
      e[k - 1] = prev + 1
      e.copyWithin(k, k + 1)
      e.pop()
    } else e[k] = 1
  }

  /** Drops what is older than newest − maxAgeMs (the newest stays), and all but the newest maxSamples. */
  private dropOld(options: StoreOptions): void {
    const {times, entries} = this
    const newest = times.last()
    let drop = 0
    while (drop < times.length - 1 && times.at(drop) <= newest - options.maxAgeMs) drop++
    drop = Math.max(drop, times.length - options.maxSamples)
    if (drop > 0) times.dropOldest(drop)
    while (drop > 0) {
      const more = entries[1]
      if (typeof more === 'number' && more >= drop) {
        // Part of a run: its count shrinks (gone when one sample is left).
        if (more === drop) entries.splice(1, 1)
        else entries[1] = more - drop
        return
      }
      drop -= typeof more === 'number' ? more + 1 : 1
      entries.shift()
      if (typeof more === 'number') entries.shift()
    }
  }

  /**
   * A sample older than the newest: put in its place in a list of one entry per sample, and
   * every plain one but the newest PLAIN_NEWEST packed (the insert may leave one deeper down).
   */
  private addOutOfOrder(sample: Sample, options: StoreOptions): void {
    const {times} = this
    const items: Array<Sample | Packed> = []
    this.each(0, times.length, (_, item) => items.push(item))
    const t = sample.timestampMs
    let lo = 0
    let hi = times.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (times.at(mid) <= t) lo = mid + 1
      else hi = mid
    }
    times.insert(lo, t)
    items.splice(lo, 0, sample)
    // After an insert in the middle, the newest packed sample may no longer be the one packed last.
    this.packedFrom = undefined
    this.lastPacked = undefined
    this.addedEqual = undefined
    const e = this.entries
    e.length = 0
    for (const x of items) e.push(x)
    this.dropOld(options)
    items.splice(0, items.length - times.length)
    for (let i = items.length - 1 - PLAIN_NEWEST; i >= 0; i--) {
      const x = items[i]!
      if (x instanceof Packed) continue
      const prev = i > 0 ? items[i - 1] : undefined
      items[i] = Packed.of(x, prev instanceof Packed ? prev : undefined)
    }
    // As entries: a run of the same Packed is one entry and a count.
    e.length = 0
    for (let i = 0; i < items.length; i++) {
      const x = items[i]!
      const top = e[e.length - 1]
      if (!(x instanceof Packed && i > 0 && items[i - 1] === x)) e.push(x)
      else if (typeof top === 'number') e[e.length - 1] = top + 1
      else e.push(1)
    }
  }
}

const EMPTY: SampleList = Object.freeze([] as Sample[])

/**
 * Recent samples per container, oldest first, bounded by age and by count. Eviction happens on
 * add, as in cAdvisor's TimedStore; a sample older than the newest is inserted in order. The
 * two newest are plain objects; older ones are packed (History).
 */
export class Store {
  private readonly byName = new Map<ContainerName, History>()

  constructor(readonly options: StoreOptions = DEFAULT_STORE) {}

  add(sample: Sample): SampleList {
    const h = this.history(sample.name)
    h.add(sample, this.options)
    return h
  }

  /** The list a container's samples will live in (stable identity: callers may hold on to it). */
  open(name: ContainerName): SampleList {
    return this.history(name)
  }

  samples(name: ContainerName): SampleList {
    return this.byName.get(name) ?? EMPTY
  }

  latest(name: ContainerName): Sample | undefined {
    return this.byName.get(name)?.latest()
  }

  /**
   * Whether the container's sample added last equals (samplesEqual) the one that was its newest
   * before; undefined when it had none or the sample went in out of order.
   */
  addedEqual(name: ContainerName): boolean | undefined {
    return this.byName.get(name)?.addedEqual
  }

  remove(name: ContainerName): void {
    this.byName.delete(name)
  }

  names(): IterableIterator<ContainerName> {
    return this.byName.keys()
  }

  get size(): number {
    return this.byName.size
  }

  private history(name: ContainerName): History {
    let h = this.byName.get(name)
    if (!h) this.byName.set(name, (h = new History()))
    return h
  }
}
