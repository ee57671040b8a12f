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
  /** v1 io_service_bytes by the other operations (Sync, Async, Discard, Total). */
  syncBytes?: number
  asyncBytes?: number
  discardBytes?: number
  totalBytes?: number
  /** v1 scheduler statistics (bfq debug or cfq files, where the kernel has them). */
  readMerged?: number
  writeMerged?: number
  readServiceNs?: number
  writeServiceNs?: number
  totalServiceNs?: number
  /** I/Os queued now (io_queued Total). */
  queued?: number
  /** v2 io.stat cost.* of the io.cost controller, µs. */
  costUsageUs?: number
  costWaitUs?: number
  costIndebtUs?: number
  costIndelayUs?: number
}

/** /proc/diskstats of a filesystem's device (times in ms, as the kernel gives them). */
export interface DiskstatsSample {
  reads: number
  readsMerged: number
  sectorsRead: number
  readMs: number
  writes: number
  writesMerged: number
  sectorsWritten: number
  writeMs: number
  ioInProgress: number
  ioMs: number
  weightedIoMs: number
}

/** One filesystem of a container (kind disk): its writable layer, or for `/` a mounted filesystem. */
export interface FilesystemSample {
  /** `/dev/vda` for a block device, else the mount source (`overlay`, `tmpfs`). */
  device: string
  major?: number
  minor?: number
  /** Filesystem type (`ext4`, `xfs`) of a mounted filesystem; absent for a writable layer. */
  type?: string
  /** Size of the filesystem (statfs blocks × block size). */
  limitBytes: number
  /** What the container uses on it: the whole filesystem's used bytes for `/`, its own files otherwise. */
  usageBytes: number
  availableBytes?: number
  inodes?: number
  inodesFree?: number
  /** Inodes the container's own files use (writable layers). */
  inodesUsed?: number
  /** The device's I/O counters; for `/` only (they are the device's, not a container's). */
  io?: DiskstatsSample
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
  /** Open descriptors of the processes (entries of /proc/<pid>/fd), and how many are sockets. */
  fds?: number
  sockets?: number
  /** Limits of the container's root process (cAdvisor reports max_open_files only). */
  ulimits?: Ulimit[]
}

/** One resource limit of a process; -1 is unlimited. */
export interface Ulimit {
  name: string
  soft: number
  hard: number
}

/** Sockets of a network namespace per TCP state (/proc/<pid>/net/tcp, tcp6). */
export interface TcpStates {
  established: number
  synsent: number
  synrecv: number
  finwait1: number
  finwait2: number
  timewait: number
  close: number
  closewait: number
  lastack: number
  listen: number
  closing: number
}

/** UDP sockets of a network namespace (/proc/<pid>/net/udp, udp6); queues in bytes. */
export interface UdpStats {
  listen: number
  dropped: number
  rxQueued: number
  txQueued: number
}

/** The kinds tcp, udp and advtcp: sockets and TCP counters of the container's network namespace. */
export interface SocketsSample {
  tcp?: TcpStates
  tcp6?: TcpStates
  udp?: UdpStats
  udp6?: UdpStats
  /** TcpExt: and Tcp: counters of /proc/<pid>/net/netstat and snmp, by lower-cased name. */
  advancedTcp?: Record<string, number>
}

/** Per-task scheduler statistics summed over the container's threads (/proc/<tid>/schedstat). */
export interface SchedSample {
  /** Time on a CPU, ns. */
  runNs: number
  /** Time waiting on a run queue, ns. */
  runqueueNs: number
  /** Timeslices run. */
  runPeriods: number
}

/** Tasks of the cgroup by state, and cAdvisor's smoothed load (kind cpuLoad). */
export interface LoadSample {
  running: number
  sleeping: number
  stopped: number
  uninterruptible: number
  ioWaiting: number
  /** Running tasks averaged over 10 s, × 1000 (cAdvisor's "milli-load"). */
  loadAverage: number
  /** Uninterruptible tasks averaged over 10 s, × 1000. */
  loadDAverage: number
}

/** One huge page size's usage (kind hugetlb); `pageSize` as the cgroup files name it (`2MB`). */
export interface HugetlbSample {
  pageSize: string
  usageBytes: number
  /** v1 only. */
  maxUsageBytes?: number
  /** Allocations refused at the limit (v1 failcnt, v2 events `max`). */
  failcnt: number
}

/** Pages per NUMA node, by node index (memory.numa_stat; kind memory_numa). */
export interface NumaPages {
  file: number[]
  anon: number[]
  unevictable: number[]
}

export interface NumaSample {
  /** The cgroup's own pages (v1 only). */
  container?: NumaPages
  /** The cgroup and its descendants. */
  hierarchy: NumaPages
}

/**
 * One resctrl monitoring domain (a mon_data directory: an L3 cache, usually one per socket) of a
 * container's monitoring group (kind resctrl). A counter the CPU lacks, or one the kernel says
 * is `Unavailable`, is absent.
 */
export interface ResctrlDomainSample {
  /** Memory bandwidth used, all memory (MBM total), bytes since the group was made. */
  mbmTotalBytes?: number
  /** Memory bandwidth used, the domain's local memory (MBM local), bytes. */
  mbmLocalBytes?: number
  /** Last-level cache occupied now (CMT), bytes. */
  llcOccupancyBytes?: number
}

/** One perf event on one CPU for a container's cgroup (kind perf_event). */
export interface PerfEventSample {
  event: string
  cpu: number
  /** Events counted since cadv began counting the container. */
  count: number
  /** Time counted ÷ time enabled in the last interval (below 1 when counters were multiplexed). */
  ratio: number
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
  filesystems?: FilesystemSample[]
  network?: NetworkInterfaceSample[]
  pressure?: PressureSample
  processes?: ProcessSample
  oom?: OomSample
  sockets?: SocketsSample
  sched?: SchedSample
  load?: LoadSample
  hugetlb?: HugetlbSample[]
  numa?: NumaSample
  /** v1 cpuset.memory_migrate (kind cpuset): 1 when pages follow a task moved to other nodes. */
  memoryMigrate?: number
  /** Referenced memory of the processes, bytes (smaps_rollup `Referenced`; kind referenced_memory). */
  referencedBytes?: number
  /** Per mon_data domain, in the order of their names (kind resctrl). */
  resctrl?: ResctrlDomainSample[]
  /** Per event and CPU, sorted (kind perf_event). */
  perf?: PerfEventSample[]
  /** Files that could not be read or parsed, one line each; the other parts are still valid. */
  errors?: string[]
}
