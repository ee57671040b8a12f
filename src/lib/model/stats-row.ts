import type {ContainerName} from './names.js'

/*
 * The rows of `cadv stats --json` and of /api/v1/stats: raw numbers, never display strings. A
 * contract between the collector side and everything that shows it (the table, the JSON API,
 * the web UI, which reads these types too).
 */

/**
 * One line of `cadv stats`: raw numbers (bytes, counts, percentages), never display strings,
 * so `--json` and `--format ndjson` feed jq without parsing "1.2MiB". Rendering is output/'s job.
 * The fields are documented in cadv-stats(1), JSON FIELDS; keep the two together.
 */
export interface StatsRow {
  /** The cgroup name, the key everywhere. */
  name: ContainerName
  /**
   * What the CONTAINER column shows: the Kubernetes namespace/pod/container when the runtime
   * gives those labels, else the runtime's name (alias), else the cgroup name.
   */
  container: string
  id?: string
  /** Factory that owns it; `raw` for a plain cgroup or when no resolver ran. */
  factory: string
  image?: string
  /** Level in the cgroup tree: / is 0, /docker 1, /docker/<id> 2. */
  depth: number
  /** Time of the newest sample, RFC 3339. */
  time: string
  /** 100 = one core. Absent until two samples exist. */
  cpuPercent?: number
  /** Working set (usage − inactive_file), as docker stats shows it. */
  memoryUsageBytes?: number
  /** The cgroup's limit, or the host's memory when unlimited. */
  memoryLimitBytes?: number
  /** True when memoryLimitBytes is the cgroup's own limit rather than the host's memory. */
  memoryLimited: boolean
  memoryPercent?: number
  netRxBytes?: number
  netTxBytes?: number
  blockReadBytes?: number
  blockWriteBytes?: number
  netRxBytesPerSec?: number
  netTxBytesPerSec?: number
  blockReadBytesPerSec?: number
  blockWriteBytesPerSec?: number
  /** pids.current (tasks, threads included), as docker stats' PIDS column shows it. */
  pids?: number
  /** Lines of cgroup.procs: processes directly in the cgroup (cAdvisor's container_processes). */
  processes?: number
  /** Open file descriptors of its processes, and how many are sockets (kind process). */
  fileDescriptors?: number
  sockets?: number
  /** Bytes used on its filesystems (its writable layer; for `/` the mounted filesystems), and their size (kind disk). */
  diskUsageBytes?: number
  diskLimitBytes?: number
  /** OOM kills the kernel counted in the cgroup (kind oom_event). */
  oomKills?: number
  /** The runtime's health-check status (`healthy`, `unhealthy`, `starting`), when it has one. */
  health?: string
  /** A raw cgroup with no process and no CPU used over the last interval (hidden unless --all). */
  idle: boolean
  /** Files of the newest sample that could not be read or parsed (`<path>: <what was wrong>`); the rest of the row is good. */
  errors?: string[]
  /**
   * Present while the runtime the cgroup name points to has not answered: the row is what the
   * name alone says (no numbers yet when it is not published), and this says why.
   */
  pending?: string
}

/** A row of /api/v1/stats: a stats row plus the container's image and aliases; a container not sampled yet has no `time` and no numbers. */
export type ContainerRow = Omit<StatsRow, 'time'> & {time?: string; image?: string; aliases: string[]}
