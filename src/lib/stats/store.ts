import type {ContainerName, Sample, SampleList} from '../model/index.js'
import {CompactSample, Packed} from './compact.js'
import {sameParts, shareParts} from './equal.js'

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
 * One container's samples, oldest first: two arrays side by side, each sample's time (unboxed
 * doubles) and either the sample itself (the newest PLAIN_NEWEST) or its Packed numbers. An
 * object per retained sample was 40 bytes and an array slot, 120,000 of them at 1,000
 * containers read every second, each one for the collector to mark; now a retained sample is
 * 16 bytes and no object (an idle container's are all one Packed). Reading an older one makes
 * a CompactSample for the reader.
 */
class History implements SampleList {
  private readonly times: number[] = []
  private readonly items: Array<Sample | Packed> = []
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
    return this.items.length
  }

  at(index: number): Sample | undefined {
    const i = index < 0 ? index + this.items.length : index
    const x = this.items[i]
    if (x === undefined) return undefined
    return x instanceof Packed ? new CompactSample(this.times[i]!, x) : x
  }

  slice(start = 0, end = this.items.length): Sample[] {
    const n = this.items.length
    const from = start < 0 ? Math.max(0, n + start) : Math.min(start, n)
    const to = end < 0 ? Math.max(0, n + end) : Math.min(end, n)
    const out: Sample[] = []
    for (let i = from; i < to; i++) out.push(this.at(i)!)
    return out
  }

  /** As an array would be written. */
  toJSON(): Sample[] {
    return this.slice()
  }

  *[Symbol.iterator](): Iterator<Sample> {
    for (let i = 0; i < this.items.length; i++) yield this.at(i)!
  }

  /** The newest sample (always plain). */
  latest(): Sample | undefined {
    return this.items[this.items.length - 1] as Sample | undefined
  }

  add(sample: Sample, options: StoreOptions): void {
    const {times, items} = this
    const t = sample.timestampMs
    const n = times.length
    const outOfOrder = n > 0 && times[n - 1]! > t
    if (!outOfOrder) {
      const last = items[n - 1] as Sample | undefined
      this.addedEqual = last ? shareParts(last, sample) : undefined
      times.push(t)
      items.push(sample)
    } else {
      let lo = 0
      let hi = n
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (times[mid]! <= t) lo = mid + 1
        else hi = mid
      }
      times.splice(lo, 0, t)
      items.splice(lo, 0, sample)
      // After an insert in the middle, the newest packed sample may no longer be the one packed last.
      this.packedFrom = undefined
      this.lastPacked = undefined
      this.addedEqual = undefined
    }
    const newest = times[times.length - 1]!
    let drop = 0
    while (drop < times.length - 1 && times[drop]! <= newest - options.maxAgeMs) drop++
    drop = Math.max(drop, times.length - options.maxSamples)
    // shift() for the usual one: splice() would make an array of what it removes.
    if (drop === 1) {
      times.shift()
      items.shift()
    } else if (drop > 0) {
      times.splice(0, drop)
      items.splice(0, drop)
    }
    // Nothing packed left (a container read every minute or less often keeps two samples): the
    // last packing's pair is let go rather than held for a packing that may never come.
    if (items.length <= PLAIN_NEWEST) {
      this.packedFrom = undefined
      this.lastPacked = undefined
    }
    // All but the newest PLAIN_NEWEST are kept packed (rates and metrics read only those). An
    // out-of-order insert may leave a plain sample deeper down, so then look at all of them.
    for (let i = items.length - 1 - PLAIN_NEWEST; i >= 0; i--) {
      const x = items[i]!
      if (x instanceof Packed) {
        if (!outOfOrder) break
        continue
      }
      const prev = i > 0 ? items[i - 1] : undefined
      // In order, the packed one before is what packedFrom was packed into, or gone by age.
      const before = prev instanceof Packed ? prev : outOfOrder ? undefined : this.lastPacked
      // Parts unchanged since the last one packed (an idle container): the same numbers, without
      // walking the sample again.
      const from = this.packedFrom
      const packed = !outOfOrder && before !== undefined && from !== undefined && sameParts(x, from) ? before : Packed.of(x, before)
      items[i] = packed
      if (!outOfOrder) {
        this.packedFrom = x
        this.lastPacked = packed
      }
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
