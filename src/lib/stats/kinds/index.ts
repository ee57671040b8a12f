import type {MetricKind} from '../../kinds.js'
import {cpuReader} from './cpu.js'
import {diskioReader} from './diskio.js'
import {memoryReader} from './memory.js'
import {networkReader} from './network.js'
import {pressureReader} from './pressure.js'
import {processReader} from './process.js'
import type {KindReader} from './types.js'

export {specReader, weightToShares} from './spec.js'
export {workingSet} from './memory.js'
export {parseNetDev} from './network.js'
export {parsePressure} from './pressure.js'
export type {Controller, ControllerDir, KindReader, ReadContext, SpecReader} from './types.js'

/**
 * The readers, keyed by cAdvisor's kind names: `--enable-metrics`/`--disable-metrics` switch
 * them. Kinds without a reader of their own either modify another (`percpu` makes the cpu
 * reader read per-CPU counters; `oom_event` is memory.events, read with memory on v2) or are
 * not collected yet.
 */
export const READERS: ReadonlyMap<MetricKind, KindReader> = new Map(
  [cpuReader, memoryReader, diskioReader, networkReader, pressureReader, processReader].map((r) => [r.kind, r]),
)

/** The readers to run for an enabled set, in a fixed order. */
export function readersFor(kinds: ReadonlySet<MetricKind>): KindReader[] {
  return [...READERS.values()].filter((r) => kinds.has(r.kind))
}
