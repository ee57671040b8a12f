export type {
  BlkioDeviceSample,
  ContainerSpec,
  CpuSample,
  MemorySample,
  NetworkInterfaceSample,
  PressureLine,
  PressureSample,
  ProcessSample,
  Sample,
} from './sample.js'
export {CgroupVanished, FileParseError, OpenFiles, defaultMaxOpenFiles, openFileLimit, type FileStats} from './files.js'
export {ContainerCollector, controllerHierarchies, SPEC_REFRESH_MS, type CollectorOptions, type RuntimeHints} from './collector.js'
export {READERS, readersFor, specReader, weightToShares, workingSet, parseNetDev, parsePressure, type KindReader, type ReadContext} from './kinds/index.js'
export {bootTimeMs, cgroupCreationMs, type HierarchyDir} from './creation.js'
export {Store, DEFAULT_STORE, type StoreOptions} from './store.js'
export {Housekeeping, DEFAULT_HOUSEKEEPING, nextInterval, withJitter, type HousekeepingOptions, type TickOutcome} from './housekeeping.js'
export {deriveRates, effectiveMemoryLimit, memoryPercent, totals, type Rates} from './rates.js'
export {samplesEqual, deepEqual} from './equal.js'
export {hostMemoryBytes} from './machine.js'
export {buildRows, parseFilters, rowOf, FilterError, SORT_KEYS, type RowFilters, type RowQuery, type SortKey, type StatsRow} from './rows.js'
export {startStatsFeed, type StatsFeed, type StatsFeedOptions} from './feed.js'
