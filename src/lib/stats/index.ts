/*
 * Collection: one reader per metric kind (kinds/, keyed by cAdvisor's names in
 * kinds/registry.ts), the per-container collector and tracker, housekeeping, the store and
 * the rates derived from two samples.
 */
export {
  CgroupVanished,
  cgroupfsRoots,
  defaultMaxOpenFiles,
  descriptorBudget,
  DescriptorBudgetError,
  DESCRIPTOR_RESERVE,
  FileParseError,
  NOT_SERVED,
  OpenFiles,
  openFileLimit,
  type DescriptorBudget,
  type FileStats,
} from './files.js'
export {
  ABSENT_LOOK_SHARED_MS,
  ContainerCollector,
  controllerHierarchies,
  SPEC_REFRESH_MS,
  SPEC_WRITES_TRUST_MS,
  type CollectorOptions,
  type RuntimeHints,
} from './collector.js'
export {QUIET_CHECK_READINGS} from './tasks.js'
export {ContainerTracker, type TrackerHooks} from './tracker.js'
export {
  ALL_KINDS,
  DEFAULT_DISABLED,
  KINDS,
  UnknownKindError,
  controllersForKinds,
  familiesFor,
  isMetricKind,
  readersFor,
  selectKinds,
  unavailableKinds,
  type MetricKind,
} from './kinds/registry.js'
export type {
  Controller,
  ControllerDir,
  HostNetnsView,
  KindDefinition,
  KindHost,
  KindOptions,
  KindReader,
  ReadContext,
} from './kinds/types.js'
export {sysRootFor} from './collector.js'
export {specReader, weightToShares, SPEC_SECTIONS, WRITTEN_SPEC_CONTROLLERS, WRITTEN_SPEC_FILES, type SpecSection} from './spec/reader.js'
export {workingSet} from './kinds/memory/reader.js'
export {parsePerfConfig, PerfConfigError, readPerfConfig, type PerfConfig} from './kinds/perf/index.js'
export {parseNetDev} from './kinds/network/reader.js'
export {
  HostNetns,
  HostNetnsError,
  hostNetnsFor,
  netnsInode,
  networkPid,
  NETNS_LOOK_MS,
  processNetns,
  type HostNetnsAnswer,
  type HostNetnsOptions,
  type NetnsPid,
} from './netns.js'
export {parsePressure} from './kinds/pressure/reader.js'
export {bootTimeMs, cgroupCreationMs, type HierarchyDir} from './creation.js'
export {Store, DEFAULT_STORE, type StoreOptions} from './store.js'
export {
  Housekeeping,
  DEFAULT_HOUSEKEEPING,
  nextInterval,
  withJitter,
  onDueGrid,
  DUE_GRID_MAX_MS,
  type HousekeepingOptions,
  type Tickable,
  type TickOutcome,
} from './housekeeping.js'
export {SLICE_MS, TickQueue, type DueTick, type TickQueueStats} from './tick-queue.js'
export {DueHeap, type Due} from './due-heap.js'
export {deriveRates, effectiveMemoryLimit, memoryPercent, totals, type Rates} from './rates.js'
export {samplesEqual, deepEqual, sameParts} from './equal.js'
export {readOomKillCount, type OomKillCount} from './oom-counter.js'
export {listProcesses, type ProcessRow} from './processes.js'
export {DiskUsage, DEFAULT_DISK_USAGE, walkDirs, type DirUsage, type DiskUsageOptions, type DiskUsageSource} from './disk-usage.js'
