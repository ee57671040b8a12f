import type {ContainerName} from '../model/index.js'
import {CompactSample} from './compact.js'
import {sameParts, shareParts} from './equal.js'
import type {Sample} from '../model/index.js'

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
 * Recent samples per container, oldest first, bounded by age and by count. Eviction happens on
 * add, as in cAdvisor's TimedStore; a sample older than the newest is inserted in order. The
 * two newest are plain objects; older ones are CompactSamples (same fields, a third the memory).
 */
export class Store {
  private readonly byName = new Map<ContainerName, Sample[]>()
  /** Per container, the plain sample its newest packed one was made from. */
  private readonly packedFrom = new Map<ContainerName, Sample>()

  constructor(readonly options: StoreOptions = DEFAULT_STORE) {}

  add(sample: Sample): readonly Sample[] {
    let list = this.byName.get(sample.name)
    if (!list) this.byName.set(sample.name, (list = []))
    const last = list[list.length - 1]
    const outOfOrder = last !== undefined && last.timestampMs > sample.timestampMs
    if (!outOfOrder) {
      if (last) shareParts(last, sample)
      list.push(sample)
    } else {
      let lo = 0
      let hi = list.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (list[mid]!.timestampMs <= sample.timestampMs) lo = mid + 1
        else hi = mid
      }
      list.splice(lo, 0, sample)
    }
    const newest = list[list.length - 1]!.timestampMs
    let drop = 0
    while (drop < list.length - 1 && list[drop]!.timestampMs <= newest - this.options.maxAgeMs) drop++
    drop = Math.max(drop, list.length - this.options.maxSamples)
    // shift() for the usual one: splice() would make an array of what it removes.
    if (drop === 1) list.shift()
    else if (drop > 0) list.splice(0, drop)
    // After an insert in the middle, the newest packed sample may no longer be the one packed last.
    if (outOfOrder) this.packedFrom.delete(sample.name)
    // All but the newest PLAIN_NEWEST are kept compact (rates and metrics read only those).
    // An out-of-order insert may leave a plain sample deeper down, so then look at all of them.
    for (let i = list.length - 1 - PLAIN_NEWEST; i >= 0; i--) {
      if (list[i] instanceof CompactSample) {
        if (!outOfOrder) break
        continue
      }
      const plain = list[i]!
      const prev = list[i - 1]
      // Parts unchanged since the last one packed (an idle container): share its numbers as
      // they are, without walking the sample again.
      const from = this.packedFrom.get(sample.name)
      list[i] =
        !outOfOrder && prev instanceof CompactSample && from !== undefined && sameParts(plain, from)
          ? prev.at(plain.timestampMs)
          : CompactSample.from(plain, prev)
      if (!outOfOrder) this.packedFrom.set(sample.name, plain)
    }
    return list
  }

  /** The list a container's samples will live in (stable identity: callers may hold on to it). */
  open(name: ContainerName): readonly Sample[] {
    let list = this.byName.get(name)
    if (!list) this.byName.set(name, (list = []))
    return list
  }

  samples(name: ContainerName): readonly Sample[] {
    return this.byName.get(name) ?? []
  }

  latest(name: ContainerName): Sample | undefined {
    const list = this.byName.get(name)
    return list?.[list.length - 1]
  }

  remove(name: ContainerName): void {
    this.byName.delete(name)
    this.packedFrom.delete(name)
  }

  names(): IterableIterator<ContainerName> {
    return this.byName.keys()
  }

  get size(): number {
    return this.byName.size
  }
}
