/*
 * cadv's containers and samples in the JSON shapes of cAdvisor's info/v1 and info/v2 types
 * (field lists: test/fixtures/cadvisor/api-fields.json, cAdvisor 6a0c4f25). Keys are cAdvisor's,
 * snake_case; a key Go always writes is always here (zero when cadv does not collect it, as
 * cAdvisor writes zeros for kinds it has switched off); a key Go leaves out when empty is left
 * out here too. Rates (cpu_inst) come from two consecutive samples.
 */
import type {ContainerSpec, ContainerState, PressureLine, Sample} from '../model/index.js'
import {rfc3339, ZERO_TIME, type ExactInteger} from './api-encoding.js'

/** What the shapes need besides the container. */
export interface ShapeContext {
  /** The kernel's "no limit" on this host's memory hierarchy (v1 or v2 spelling). */
  unlimited: ExactInteger
  /** MemTotal, for the root's limit where the kernel gives none (v2). */
  machineMemoryBytes: number
}

type Json = Record<string, unknown>

const TCP_KEYS = [
  'Established',
  'SynSent',
  'SynRecv',
  'FinWait1',
  'FinWait2',
  'TimeWait',
  'Close',
  'CloseWait',
  'LastAck',
  'Listen',
  'Closing',
]
const UDP_KEYS = ['Listen', 'Dropped', 'RxQueued', 'TxQueued']
const TCP_ADVANCED_KEYS = (
  'RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs ' +
  'InErrs OutRsts InCsumErrors EmbryonicRsts SyncookiesSent SyncookiesRecv SyncookiesFailed PruneCalled RcvPruned OfoPruned ' +
  'OutOfWindowIcmps LockDroppedIcmps TW TWRecycled TWKilled TCPTimeWaitOverflow TCPTimeouts TCPSpuriousRTOs TCPLossProbes ' +
  'TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail TCPRenoFailures TCPSackFailures TCPLossFailures DelayedACKs ' +
  'DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery ' +
  'TCPSACKReneging TCPFACKReorder TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo ' +
  'TCPFastRetrans TCPSlowStartRetrans TCPLostRetransmit TCPRetransFail TCPRcvCollapsed TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv ' +
  'TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed ' +
  'TCPMemoryPressures TCPMemoryPressuresChrono TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPMD5NotFound ' +
  'TCPMD5Unexpected TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop ' +
  'TCPDeferAcceptDrop IPReversePathFilter TCPReqQFullDoCookies TCPReqQFullDrop TCPFastOpenActive TCPFastOpenActiveFail ' +
  'TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd TCPSynRetrans TCPOrigDataSent ' +
  'PAWSActive PAWSEstab'
).split(' ')

const zeros = (keys: readonly string[]): Json => Object.fromEntries(keys.map((k) => [k, 0]))

/** Leaves out the keys whose value is undefined (Go's omitempty on the fields that have it). */
function compact<T extends Json>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k]
  return o
}

/** Go's omitempty for numbers: 0 and unknown are both left out. */
const nonZero = (n: number | undefined): number | undefined => (n ? n : undefined)
const nonEmpty = <T>(a: readonly T[] | undefined): readonly T[] | undefined => (a && a.length > 0 ? a : undefined)
const nonEmptyMap = (m: Record<string, string> | undefined): Record<string, string> | undefined =>
  m && Object.keys(m).length > 0 ? m : undefined

/** cAdvisor's namespace of a runtime's aliases; raw and systemd cgroups have none. */
export function aliasNamespace(c: ContainerState): string | undefined {
  const f = c.info?.factory
  return f === 'docker' || f === 'podman' || f === 'containerd' || f === 'crio' ? f : undefined
}

// --- v1 ContainerReference, ContainerSpec ---------------------------------------------------

export function v1Reference(c: ContainerState): Json {
  return compact({id: c.info?.id || undefined, name: c.name, aliases: nonEmpty(c.info?.aliases), namespace: aliasNamespace(c)})
}

function creationMs(c: ContainerState): number {
  return c.info?.createdAt?.getTime() ?? c.cgroupCreatedMs ?? c.firstSeenMs
}

/** What the latest sample has: cAdvisor's has_* flags come from what its handler collects. */
function has(c: ContainerState): {cpu: boolean; memory: boolean; network: boolean; diskio: boolean; processes: boolean} {
  const s = c.samples.at(-1)
  return {
    cpu: s?.cpu !== undefined,
    memory: s?.memory !== undefined,
    network: s?.network !== undefined,
    diskio: s?.diskio !== undefined,
    processes: s?.processes !== undefined,
  }
}

function cpuSpec(spec: ContainerSpec | undefined, withBandwidth: boolean): Json {
  return compact({
    limit: spec?.cpuShares ?? 0,
    max_limit: 0,
    mask: spec?.cpusetCpus || undefined,
    quota: withBandwidth ? nonZero(spec?.cpuQuotaUs) : undefined,
    period: withBandwidth ? nonZero(spec?.cpuPeriodUs) : undefined,
  })
}

function memorySpec(c: ContainerState, ctx: ShapeContext): Json {
  const spec = c.spec
  let limit: number | ExactInteger | undefined = spec?.memoryLimitBytes
  // cAdvisor: the root's limit (none on v2) is the machine's memory; elsewhere "no limit" is
  // the kernel's sentinel, as the cgroup file says it.
  if (limit === undefined) limit = c.name === '/' ? ctx.machineMemoryBytes || undefined : ctx.unlimited
  return compact({
    limit,
    reservation: spec?.memoryReservationBytes ?? undefined,
    swap_limit: spec?.memorySwapLimitBytes ?? (spec?.memoryLimitBytes === undefined && c.name !== '/' ? ctx.unlimited : undefined),
  })
}

export function v1Spec(c: ContainerState, ctx: ShapeContext): Json {
  const h = has(c)
  const created = creationMs(c)
  return compact({
    creation_time: rfc3339(created),
    start_time: c.info?.startedAt ? rfc3339(c.info.startedAt.getTime()) : rfc3339(created),
    labels: nonEmptyMap(c.info?.labels),
    envs: nonEmptyMap(c.info?.env),
    has_cpu: h.cpu,
    cpu: cpuSpec(c.spec, true),
    has_memory: h.memory,
    memory: memorySpec(c, ctx),
    has_hugetlb: false,
    has_network: h.network,
    has_processes: h.processes,
    processes: compact({limit: nonZero(c.spec?.pidsLimit)}),
    has_filesystem: false,
    has_diskio: h.diskio,
    has_custom_metrics: false,
    image: c.info?.image || undefined,
  })
}

// --- v1 ContainerStats ----------------------------------------------------------------------

function psiData(line: PressureLine | undefined, which: 'some' | 'full'): Json {
  // cadv keeps the totals (µs); the kernel's running averages are not stored.
  const total = which === 'some' ? line?.someUs : line?.fullUs
  return {total: total ?? 0, avg10: 0, avg60: 0, avg300: 0}
}

function psi(line: PressureLine | undefined): Json {
  return {full: psiData(line, 'full'), some: psiData(line, 'some')}
}

/** v1 CpuStats (always whole: cAdvisor writes zeros for what it does not read). */
export function cpuStats(s: Sample): Json {
  const c = s.cpu
  return {
    usage: compact({
      total: c?.usageNs ?? 0,
      per_cpu_usage: nonEmpty(c?.perCpuNs),
      user: c?.userNs ?? 0,
      system: c?.systemNs ?? 0,
    }),
    cfs: {
      periods: c?.periods ?? 0,
      throttled_periods: c?.throttledPeriods ?? 0,
      throttled_time: c?.throttledNs ?? 0,
      bursts_periods: c?.bursts ?? 0,
      burst_time: c?.burstNs ?? 0,
    },
    schedstat: {run_time: 0, runqueue_time: 0, run_periods: 0},
    load_average: 0,
    load_d_average: 0,
    psi: psi(s.pressure?.cpu),
  }
}

function memoryData(pgfault: number | undefined, pgmajfault: number | undefined): Json {
  return {pgfault: pgfault ?? 0, pgmajfault: pgmajfault ?? 0, numa_stats: {}}
}

/** v1 MemoryStats. */
export function memoryStats(s: Sample): Json {
  const m = s.memory
  return {
    usage: m?.usageBytes ?? 0,
    max_usage: m?.maxUsageBytes ?? 0,
    cache: m?.cacheBytes ?? 0,
    rss: m?.rssBytes ?? 0,
    swap: m?.swapBytes ?? 0,
    mapped_file: m?.mappedFileBytes ?? 0,
    working_set: m?.workingSetBytes ?? 0,
    total_active_file: m?.activeFileBytes ?? 0,
    total_inactive_file: m?.inactiveFileBytes ?? 0,
    file_dirty: m?.fileDirtyBytes ?? 0,
    file_writeback: m?.fileWritebackBytes ?? 0,
    pgscan: m?.pgscan ?? 0,
    pgsteal: m?.pgsteal ?? 0,
    workingset_refault_file: m?.workingsetRefaultFile ?? 0,
    workingset_refault_anon: m?.workingsetRefaultAnon ?? 0,
    failcnt: m?.failcnt ?? 0,
    kernel: m?.kernelBytes ?? 0,
    // cadv reads the container's own pgfault counters (memory.stat); cAdvisor's two views
    // differ only on v1 without use_hierarchy.
    container_data: memoryData(m?.pgfault, m?.pgmajfault),
    hierarchical_data: memoryData(m?.pgfault, m?.pgmajfault),
    psi: psi(s.pressure?.memory),
    events: {high: m?.eventsHigh ?? 0, max: m?.eventsMax ?? 0},
  }
}

/** v1 DiskIoStats: bytes and operations per device, cAdvisor's Read/Write/Total keys. */
export function diskIoStats(s: Sample): Json {
  const devices = s.diskio ?? []
  const per = (read: (d: (typeof devices)[number]) => number, write: (d: (typeof devices)[number]) => number) =>
    nonEmpty(
      devices.map((d) => ({
        device: d.device.includes(':') ? '' : `/dev/${d.device}`,
        major: d.major,
        minor: d.minor,
        stats: {Read: read(d), Write: write(d), Total: read(d) + write(d)},
      })),
    )
  return compact({
    io_service_bytes: per(
      (d) => d.readBytes,
      (d) => d.writeBytes,
    ),
    io_serviced: per(
      (d) => d.reads,
      (d) => d.writes,
    ),
    psi: psi(s.pressure?.io),
  })
}

function interfaceStats(i: NonNullable<Sample['network']>[number]): Json {
  return {
    name: i.name,
    rx_bytes: i.rxBytes,
    rx_packets: i.rxPackets,
    rx_errors: i.rxErrors,
    rx_dropped: i.rxDropped,
    tx_bytes: i.txBytes,
    tx_packets: i.txPackets,
    tx_errors: i.txErrors,
    tx_dropped: i.txDropped,
  }
}

const NO_INTERFACE = {
  name: '',
  rx_bytes: 0,
  rx_packets: 0,
  rx_errors: 0,
  rx_dropped: 0,
  tx_bytes: 0,
  tx_packets: 0,
  tx_errors: 0,
  tx_dropped: 0,
}

function socketStats(): Json {
  return {tcp: zeros(TCP_KEYS), tcp6: zeros(TCP_KEYS), udp: zeros(UDP_KEYS), udp6: zeros(UDP_KEYS), tcp_advanced: zeros(TCP_ADVANCED_KEYS)}
}

/** v1 NetworkStats: the first interface's counters flattened in (Go's embedded field), then all of them. */
export function networkStats(s: Sample): Json {
  const ifaces = (s.network ?? []).map(interfaceStats)
  return compact({...(ifaces[0] ?? NO_INTERFACE), interfaces: nonEmpty(ifaces), ...socketStats()})
}

/** v2 NetworkStats: the same without the flattened interface. */
function v2NetworkStats(s: Sample): Json {
  return compact({interfaces: nonEmpty((s.network ?? []).map(interfaceStats)), ...socketStats()})
}

function processStats(s: Sample): Json {
  const p = s.processes
  return compact({
    process_count: p?.processes ?? 0,
    fd_count: 0,
    socket_count: 0,
    threads_current: nonZero(p?.threads),
    threads_max: nonZero(p?.threadsLimit),
  })
}

const LOAD_STATS = {nr_sleeping: 0, nr_running: 0, nr_stopped: 0, nr_uninterruptible: 0, nr_io_wait: 0}

/** v1 ContainerStats of one sample. */
export function v1Stats(s: Sample): Json {
  return compact({
    timestamp: rfc3339(s.timestampMs),
    cpu: s.cpu ? cpuStats(s) : undefined,
    diskio: s.diskio ? diskIoStats(s) : undefined,
    memory: s.memory ? memoryStats(s) : undefined,
    network: s.network ? networkStats(s) : undefined,
    task_stats: LOAD_STATS,
    processes: s.processes ? processStats(s) : undefined,
    resctrl: {},
    cpuset: {memory_migrate: 0},
    health: {status: ''},
  })
}

/** v1 ContainerInfo: reference, direct children (references), spec and the given samples. */
export function v1ContainerInfo(
  c: ContainerState,
  children: readonly ContainerState[],
  samples: readonly Sample[],
  ctx: ShapeContext,
): Json {
  return compact({
    ...v1Reference(c),
    subcontainers: nonEmpty(children.map(v1Reference)),
    spec: v1Spec(c, ctx),
    stats: nonEmpty(samples.map(v1Stats)),
  })
}

// --- v2 ---------------------------------------------------------------------------------------

/** v2 ContainerSpec (aliases and namespace in, quota and period out, processes always {}). */
export function v2Spec(c: ContainerState, ctx: ShapeContext): Json {
  const v1 = v1Spec(c, ctx)
  return compact({
    creation_time: v1.creation_time,
    start_time: v1.start_time,
    aliases: nonEmpty(c.info?.aliases),
    namespace: aliasNamespace(c),
    labels: v1.labels,
    envs: v1.envs,
    has_cpu: v1.has_cpu,
    cpu: cpuSpec(c.spec, false),
    has_memory: v1.has_memory,
    memory: v1.memory,
    has_hugetlb: false,
    has_custom_metrics: false,
    has_processes: v1.has_processes,
    processes: {},
    has_network: v1.has_network,
    has_filesystem: false,
    has_diskio: v1.has_diskio,
    image: v1.image,
  })
}

/** CPU rates between two samples (ns of CPU per second), as cAdvisor's cpu_inst. */
export function cpuInst(prev: Sample | undefined, cur: Sample): Json | undefined {
  const a = prev?.cpu
  const b = cur.cpu
  if (!prev || !a || !b || cur.timestampMs <= prev.timestampMs) return undefined
  const seconds = (cur.timestampMs - prev.timestampMs) / 1000
  const rate = (x: number | undefined, y: number | undefined): number =>
    x === undefined || y === undefined || y < x ? 0 : Math.round((y - x) / seconds)
  const perCpu =
    a.perCpuNs && b.perCpuNs && a.perCpuNs.length === b.perCpuNs.length ? b.perCpuNs.map((v, i) => rate(a.perCpuNs![i], v)) : undefined
  return {
    usage: compact({
      total: rate(a.usageNs, b.usageNs),
      per_cpu_usage: nonEmpty(perCpu),
      user: rate(a.userNs, b.userNs),
      system: rate(a.systemNs, b.systemNs),
    }),
  }
}

/** v2 ContainerStats (v2.1 stats). */
export function v2Stats(s: Sample, prev: Sample | undefined): Json {
  return compact({
    timestamp: rfc3339(s.timestampMs),
    cpu: s.cpu ? cpuStats(s) : undefined,
    cpu_inst: cpuInst(prev, s),
    diskio: s.diskio ? diskIoStats(s) : undefined,
    memory: s.memory ? memoryStats(s) : undefined,
    network: s.network ? v2NetworkStats(s) : undefined,
    processes: s.processes ? processStats(s) : undefined,
    resctrl: {},
  })
}

/** v2.0's DeprecatedContainerStats: every part always written, with has_* from the spec. */
export function deprecatedStats(s: Sample, prev: Sample | undefined, spec: Json): Json {
  return compact({
    timestamp: rfc3339(s.timestampMs),
    has_cpu: spec.has_cpu,
    cpu: cpuStats(s),
    cpu_inst: cpuInst(prev, s),
    has_diskio: spec.has_diskio,
    diskio: diskIoStats(s),
    has_memory: spec.has_memory,
    memory: memoryStats(s),
    has_hugetlb: false,
    has_network: spec.has_network,
    // cAdvisor's conversion copies only the interfaces into v2.0's network.
    network: v2NetworkStats(s),
    has_processes: false,
    processes: {process_count: 0, fd_count: 0, socket_count: 0},
    has_filesystem: false,
    has_load: false,
    load_stats: LOAD_STATS,
    has_custom_metrics: false,
    resctrl: {},
  })
}

/** v2.1 MachineStats of one of the root's samples. */
export function machineStats(s: Sample, prev: Sample | undefined): Json {
  return compact({
    timestamp: rfc3339(s.timestampMs),
    cpu: s.cpu ? cpuStats(s) : undefined,
    cpu_inst: cpuInst(prev, s),
    memory: s.memory ? memoryStats(s) : undefined,
    network: s.network ? v2NetworkStats(s) : undefined,
  })
}

export {ZERO_TIME}
