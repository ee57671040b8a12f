import type {ContainerName} from './names.js'

/*
 * A Sample is one housekeeping reading of one container: raw counters as the kernel gave them
 * (nanoseconds, bytes, counts). Rates are derived from two samples and never stored.
 * A part is absent when its kind is disabled or its files are missing; `errors` says which
 * files failed so that the rest of the sample is kept.
 */

export interface CpuSample {
  /** Total CPU time, ns (v1 cpuacct.usage, v2 cpu.stat usage_usec × 1000). */
  usageNs: number
  userNs?: number
  systemNs?: number
  /** v1 cpuacct.usage_percpu, ns per CPU. */
  perCpuNs?: number[]
  /** CFS bandwidth: periods, throttled periods, throttled time (ns). */
  periods?: number
  throttledPeriods?: number
  throttledNs?: number
  /** v2 cpu.stat nr_bursts / burst_usec. */
  bursts?: number
  burstNs?: number
}

export interface MemorySample {
  usageBytes: number
  /** usage − inactive_file, floored at 0 (what the OOM killer and kubelet look at). */
  workingSetBytes: number
  rssBytes?: number
  cacheBytes?: number
  swapBytes?: number
  mappedFileBytes?: number
  /** v1 memory.max_usage_in_bytes, v2 memory.peak. */
  maxUsageBytes?: number
  failcnt?: number
  kernelBytes?: number
  /** pgfault / pgmajfault from memory.stat (container scope, hierarchical where available). */
  pgfault?: number
  pgmajfault?: number
  /** Page cache on the active and inactive LRU lists (v1 total_active_file, v2 active_file). */
  activeFileBytes?: number
  inactiveFileBytes?: number
  /** Dirty and under-writeback page cache (v1 total_dirty/total_writeback, v2 file_dirty/file_writeback). */
  fileDirtyBytes?: number
  fileWritebackBytes?: number
  /** Refaults of evicted pages (memory.stat workingset_refault_file / _anon; v1 on kernels ≥ 5.9). */
  workingsetRefaultFile?: number
  workingsetRefaultAnon?: number
  /** v2 memory.stat pages scanned and reclaimed. */
  pgscan?: number
  pgsteal?: number
  /** v2 memory.events: times over memory.high (throttled) and at memory.max (reclaim forced). */
  eventsHigh?: number
  eventsMax?: number
  /** v2 memory.events oom / oom_kill counters. */
  oomEvents?: number
  oomKills?: number
}

/** OOM kills the kernel counted for the cgroup (kind oom_event). */
export interface OomSample {
  /** v1 memory.oom_control oom_kill, v2 memory.events oom_kill (oom where the kernel has no oom_kill). */
  kills: number
}

export interface BlkioDeviceSample {
  major: number
  minor: number
  /** Device name from /sys/dev/block or /proc/partitions (`sda`), or `major:minor` when unknown. */
  device: string
  readBytes: number
  writeBytes: number
  reads: number
  writes: number
}

export interface NetworkInterfaceSample {
  name: string
  rxBytes: number
  rxPackets: number
  rxErrors: number
  rxDropped: number
  txBytes: number
  txPackets: number
  txErrors: number
  txDropped: number
}

/** PSI totals in microseconds as the kernel reports them (`total=` fields). */
export interface PressureLine {
  someUs: number
  fullUs?: number
}

export interface PressureSample {
  cpu?: PressureLine
  memory?: PressureLine
  io?: PressureLine
}

/** cAdvisor's meanings: processes are thread-group leaders, threads are every task. */
export interface ProcessSample {
  /** Lines of cgroup.procs: the processes directly in this cgroup. */
  processes: number
  /** pids.current: tasks (threads) in this cgroup and below; undefined without the pids controller. */
  threads?: number
  /** pids.max; undefined when unlimited or without the pids controller. */
  threadsLimit?: number
}

/** Limits and shares, read rarely (they change only on `docker update` and the like). */
export interface ContainerSpec {
  cpuShares?: number
  /** v2 cpu.weight as read; cpuShares is derived from it the way cAdvisor does. */
  cpuWeight?: number
  /** Quota and period in microseconds; quota undefined when unlimited. */
  cpuQuotaUs?: number
  cpuPeriodUs?: number
  /** Bytes; undefined when unlimited. */
  memoryLimitBytes?: number
  memoryReservationBytes?: number
  memorySwapLimitBytes?: number
  cpusetCpus?: string
  /** pids.max; undefined when unlimited. */
  pidsLimit?: number
}

export interface Sample {
  name: ContainerName
  /** Wall-clock time of the reading, ms since the epoch. */
  timestampMs: number
  cpu?: CpuSample
  memory?: MemorySample
  diskio?: BlkioDeviceSample[]
  network?: NetworkInterfaceSample[]
  pressure?: PressureSample
  processes?: ProcessSample
  oom?: OomSample
  /** Files that could not be read or parsed, one line each; the other parts are still valid. */
  errors?: string[]
}
