import type {ContainerName, ContainerSpec, FamilyModule, Sample} from '../../model/index.js'
import type {CgroupLayout} from '../../cgroups/index.js'
import type {DiskUsageSource} from '../disk-usage.js'
import type {PerfConfig} from './perf/config.js'

/** Controllers whose files the readers use; `psi` is the unified tree's pressure files. */
export type Controller = 'cpu' | 'cpuacct' | 'cpuset' | 'memory' | 'blkio' | 'pids' | 'hugetlb' | 'psi'

/** Where one controller's files are for one container. */
export interface ControllerDir {
  path: string
  version: 1 | 2
}

/** What a kind's availability check may look at. */
export interface KindHost {
  layout: CgroupLayout
  sysRoot: string
  options: KindOptions
}

/** Settings of particular kinds (flags of `cadv serve` and `cadv stats`). */
export interface KindOptions {
  /** referenced_memory: clear the referenced bits every N readings (cAdvisor's --referenced_reset_interval); 0 never. */
  referencedResetInterval?: number
  /** process: count descriptors and sockets (a readdir and readlinks per process); default true. */
  processFds?: boolean
  /**
   * diskIO v1: look for the I/O scheduler's statistics (merges, service time, queue: bfq's debug
   * files or cfq's); default true. Most kernels have neither, so the look is 4 failed opens a
   * container, which `cadv stats` (that shows none of them) skips.
   */
  blkioSchedulerStats?: boolean
  /**
   * cpu and memory (v1): read the files only cAdvisor's families show too, default true:
   * cpuacct.stat (the user/system split), memory.max_usage_in_bytes, memory.failcnt and
   * memory.kmem.usage_in_bytes. `cadv stats` shows none of them: false saves 4 of its 20 or
   * so files a container, at every refresh.
   */
  cpuMemoryDetail?: boolean
  /**
   * diskIO v1: read the I/O counts (blkio.throttle.io_serviced) besides the bytes, default true.
   * `cadv stats` shows bytes only: false saves one file a container at every refresh (v2's
   * io.stat carries both in one file).
   */
  blkioServiced?: boolean
  /**
   * spec: read every limit cAdvisor's spec shows (CPU shares, quota and period, cpuset, memory
   * reservation and swap limit, pids.max), default true. False reads the memory limit alone,
   * which is all `cadv stats` shows: 1 file a container at start-up instead of 8 (v1) or 7 (v2).
   * The CPU reader then never reads cpu.stat either (it does so only under a known quota).
   */
  specDetail?: boolean
  /**
   * cpuLoad: read every task's state each tick (cAdvisor's --enable_load_reader). Off, the kind
   * gives nothing, as cAdvisor's default does: a task list and a /proc file per task per tick
   * is a third of the default set's cost again.
   */
  loadReader?: boolean
  /** perf_event: the events of --perf-events-config; without them the kind counts nothing, as in cAdvisor. */
  perfEvents?: PerfConfig
}

/** The host's network namespace as readers see it (HostNetns in stats/netns.ts finds it). */
export interface HostNetnsView {
  /** Its inode number (undefined when unknown), a process in it, and how it was found. */
  get(): {inode: number | undefined; pid: number | 'self' | undefined; how: string}
  /** True when `inode` is known to be the host's. */
  isHost(inode: number): boolean
}

/** What a reader sees of one container. It never touches the filesystem except through it. */
export interface ReadContext {
  readonly name: ContainerName
  /** The enabled kinds (cAdvisor's names). */
  readonly kinds: ReadonlySet<string>
  readonly options: KindOptions
  readonly procRoot: string
  /** Where /sys is: beside the proc root (`/rootfs/proc` → `/rootfs/sys`), `/sys` for `/proc`. */
  readonly sysRoot: string
  /** The container's directory for a controller, when the container exists in that hierarchy. */
  dir(controller: Controller): ControllerDir | undefined
  /** A hot file: kept open and re-read at offset 0. Undefined when the file does not exist. */
  read(path: string): string | undefined
  /**
   * A file's non-empty line count (cgroup.procs), counted without building a string. Kept open
   * unless `keep` is false: a v1 pid list is cached per open file and goes stale when re-read.
   */
  countLines(path: string, keep?: boolean): number | undefined
  /** A file read rarely (spec): opened, read and closed. */
  readOnce(path: string): string | undefined
  /** Stops keeping a file open (a /proc file of a process that no longer stands for the container). */
  release(path: string): void
  /** The last spec read for this container (limits decide which files are worth reading). */
  readonly spec: ContainerSpec | undefined
  /** A process whose /proc files stand for the container; 0 when the runtime gave none. */
  readonly pid: number
  /** False when the runtime says the container shares another's network namespace. */
  readonly hasNetwork: boolean
  /** Directories the runtime says hold what the container wrote (writable layer, logs); may be empty. */
  readonly writableDirs: readonly string[]
  /** The background walker of writable layers (kind disk), when the disk kind is on. */
  readonly diskUsage: DiskUsageSource | undefined
  /** The host's network namespace (shared by every container): networkPid() in netns.ts asks it. */
  readonly hostNetns: HostNetnsView
  /**
   * Runs `fn`; a FileParseError it throws is recorded in the sample's errors and gives undefined,
   * so one bad file costs only its own fields. Other errors pass through.
   */
  attempt<T>(fn: () => T): T | undefined
  /** Per-reader memory that survives between ticks (device name caches, the current pid). */
  state<T>(key: string, init: () => T): T
  /** A value computed once per tick and shared by the kinds that need it (the cgroup's pid list). */
  memo<T>(key: string, compute: () => T): T
  /**
   * True when this reading may take the cgroup's subtree as still holding no task without
   * reading pids.current: a reading found it empty less than PRESUMED_EMPTY_MS ago and none of
   * this reading's files that tell that something ran has moved (ContainerCollector.presumedEmpty).
   * False whenever pids.current must be read to know.
   */
  presumedEmpty(): boolean
}

/**
 * One metric kind's reader, the way node_exporter has one collector per file behind one
 * interface. `files` documents what it reads; `read` fills its part of the sample and throws
 * FileParseError for a malformed file (the collector records it and keeps the other parts)
 * or CgroupVanished when the cgroup is gone (the collector drops the whole sample).
 */
export interface KindReader {
  /** The kind it belongs to, for error lines (`cpu: …`). */
  kind: string
  files: {v1: readonly string[]; v2: readonly string[]}
  read(ctx: ReadContext, sample: Sample): void
  /**
   * True when the parts it sets are a function of the bytes it reads through the context, the
   * spec and the runtime hints, and nothing modifies them afterwards (no other reader, no later
   * tick): the collector then reuses its previous parts, unparsed, while those bytes are
   * unchanged (stats/read-log.ts). A reader that reads files by itself (readdir, readlink, a
   * background walk), looks at another kind's part or keeps counting state across ticks is not.
   */
  pure?: boolean
  /**
   * For a pure reader: its files cannot change while neither the cgroup nor any cgroup below it
   * holds a task (counters only tasks move: CPU time, I/O they issue). The collector then keeps
   * its part without reading them while pids.current says 0 (ContainerCollector.readPure).
   */
  stillWithoutTasks?: boolean
  /**
   * For a pure reader whose part may move with no task, but only in ways one of its files
   * shows (memory: reclaim moves memory.stat's page counts): that file's name. While the
   * subtree holds no task, a reading reads this file alone and keeps the part when its bytes are
   * unchanged (ContainerCollector.readPure); the other files are read at the quiet checks
   * (QUIET_CHECK_READINGS), so a move only they show (v1 kernel memory given back: usage and
   * kmem usage, not memory.stat) is seen at the next check.
   */
  witness?: string
  /**
   * The parts a reading for rates reads afresh (the second of `cadv stats`' first window):
   * those holding the counters a rate is made of (rates.ts: CPU time, bytes over the network and
   * to disk), and results that arrive between readings (the disk walker's). That reading runs
   * only the readers that have some, and keeps the other parts of the reading before.
   */
  freshParts?: readonly (keyof Sample)[]
}

/** Reads the spec part (limits and shares): rarely, and not gated by a kind. */
export interface SpecReader {
  files: {v1: readonly string[]; v2: readonly string[]}
  read(ctx: ReadContext, errors: string[]): ContainerSpec
}

/**
 * One metric kind, as `--enable-metrics` / `--disable-metrics` name it: everything cadv knows
 * about it in one place. The registry (registry.ts) holds one per cAdvisor kind name; every
 * list of kinds, controllers, readers and families is derived from it.
 */
export interface KindDefinition {
  /** v1 controllers whose hierarchies the kind reads (and the watcher therefore watches). */
  readonly controllers: readonly string[]
  /** In cAdvisor's default set (its default `--disable_metrics` leaves it on). */
  readonly defaultOn: boolean
  /** Fills the kind's part of each sample; absent for kinds that modify another's reading (percpu). */
  readonly reader?: KindReader
  /** The kind's Prometheus families; absent when another kind's module writes them. */
  readonly families?: FamilyModule
  /**
   * Why the kind can give nothing on this host (a kernel interface it needs is absent, or cadv
   * does not collect it), said once at start when the kind is on; undefined when it can work.
   */
  readonly unavailable?: (host: KindHost) => string | undefined
}
