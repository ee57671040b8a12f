/*
 * The machine as cAdvisor's REST API describes it (v1 MachineInfo, v2 Attributes, the
 * filesystems of /api/v2.0/storage): CPU topology and caches from /sys/devices/system, memory
 * from /proc/meminfo, disks from /sys/block, network devices from /sys/class/net, mounted block
 * filesystems from mountinfo and statfs. Read on first use and again after
 * --update-machine-info-interval (cAdvisor: 5m); a file that cannot be read gives cAdvisor's
 * empty value for that part, never an error.
 */
import {readFileSync, readdirSync, readlinkSync, statfsSync} from 'node:fs'
import {cpus} from 'node:os'
import {join} from 'node:path'

import {decodeMountField} from '../cgroups/index.js'
import {meminfoBytes, naturalCompare, readMeminfo} from '../util/index.js'
import {rfc3339} from './api-encoding.js'
import {readMachineInfo, type MachineInfo} from './machine.js'

type Json = Record<string, unknown>

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined
  }
}

/** A directory's names, numbers by value (`cpu2` before `cpu10`); not with Intl, whose collation data would stay resident (util/natural-order.ts). */
function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort(naturalCompare)
  } catch {
    return []
  }
}

const num = (s: string | undefined): number => {
  const n = Number(s)
  return s === undefined || s === '' || !Number.isFinite(n) ? 0 : n
}

/** `0-3,8,10-11` → [0,1,2,3,8,10,11]. */
export function parseCpuList(text: string | undefined): number[] {
  const out: number[] = []
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim())
    if (!m) continue
    for (let i = Number(m[1]); i <= Number(m[2] ?? m[1]); i++) out.push(i)
  }
  return out
}

/** `48K`, `32768K`, `1M` → bytes. */
function cacheSize(text: string | undefined): number {
  const m = /^(\d+)([KMG]?)$/.exec(text ?? '')
  if (!m) return 0
  return Number(m[1]) * ({'': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3}[m[2]!] ?? 1)
}

interface CacheInfo {
  id: number
  size: number
  type: string
  level: number
  shared: number[]
}

const CPU_SYS = '/sys/devices/system/cpu'

function cachesOf(cpu: number): CacheInfo[] {
  const dir = `${CPU_SYS}/cpu${cpu}/cache`
  return list(dir)
    .filter((e) => /^index\d+$/.test(e))
    .map((e) => ({
      id: num(read(`${dir}/${e}/id`)),
      size: cacheSize(read(`${dir}/${e}/size`)),
      type: read(`${dir}/${e}/type`) ?? '',
      level: num(read(`${dir}/${e}/level`)),
      shared: parseCpuList(read(`${dir}/${e}/shared_cpu_list`)),
    }))
}

const cacheJson = (c: CacheInfo): Json => ({id: c.id, size: c.size, type: c.type, level: c.level})

interface CpuTopology {
  cpu: number
  core: number
  socket: number
  node: number
}

function cpuTopology(): CpuTopology[] {
  const nodes = new Map<number, number>()
  for (const n of list('/sys/devices/system/node').filter((e) => /^node\d+$/.test(e)))
    for (const c of parseCpuList(read(`/sys/devices/system/node/${n}/cpulist`))) nodes.set(c, Number(n.slice(4)))
  const ids = parseCpuList(read(`${CPU_SYS}/online`))
  const cpuIds = ids.length > 0 ? ids : cpus().map((_, i) => i)
  return cpuIds.map((cpu) => ({
    cpu,
    core: num(read(`${CPU_SYS}/cpu${cpu}/topology/core_id`)),
    socket: num(read(`${CPU_SYS}/cpu${cpu}/topology/physical_package_id`)),
    node: nodes.get(cpu) ?? 0,
  }))
}

function hugepages(dir: string): Json[] {
  return list(dir)
    .map((e) => /^hugepages-(\d+)kB$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({page_size: Number(m[1]), num_pages: num(read(`${dir}/${m[0]}/nr_hugepages`))}))
}

/** cAdvisor's topology: NUMA nodes, their cores (threads and private caches) and shared caches. */
function topology(cpusInfo: CpuTopology[]): Json[] {
  const byNode = new Map<number, CpuTopology[]>()
  for (const c of cpusInfo) byNode.set(c.node, [...(byNode.get(c.node) ?? []), c])
  const out: Json[] = []
  for (const [node, members] of [...byNode].sort((a, b) => a[0] - b[0])) {
    const nodeDir = `/sys/devices/system/node/node${node}`
    const cores = new Map<string, CpuTopology[]>()
    for (const c of members) cores.set(`${c.socket}:${c.core}`, [...(cores.get(`${c.socket}:${c.core}`) ?? []), c])
    const nodeCaches = new Map<string, CacheInfo>()
    const coreJson = [...cores.values()].map((threads) => {
      const threadIds = threads.map((t) => t.cpu)
      const caches: CacheInfo[] = []
      for (const cache of cachesOf(threadIds[0]!)) {
        // A cache no wider than the core is the core's own; a wider one belongs to the node.
        if (cache.shared.every((c) => threadIds.includes(c))) caches.push(cache)
        else nodeCaches.set(`${cache.level}:${cache.type}:${cache.id}`, cache)
      }
      return {
        core_id: threads[0]!.core,
        thread_ids: threadIds,
        caches: caches.map(cacheJson),
        uncore_caches: null,
        socket_id: threads[0]!.socket,
      }
    })
    const meminfo = read(`${nodeDir}/meminfo`)
    const kb = /MemTotal:\s+(\d+) kB/.exec(meminfo ?? '')
    out.push({
      node_id: node,
      memory: kb ? Number(kb[1]) * 1024 : 0,
      hugepages: hugepages(`${nodeDir}/hugepages`),
      cores: coreJson,
      caches: [...nodeCaches.values()].map(cacheJson),
      distances: (read(`${nodeDir}/distance`) ?? '').split(/\s+/).filter(Boolean).map(Number),
    })
  }
  return out
}

function diskMap(): Json {
  const out: Json = {}
  for (const name of list('/sys/block')) {
    if (/^(loop|ram|zram)/.test(name)) continue
    const dev = read(`/sys/block/${name}/dev`)
    const m = /^(\d+):(\d+)$/.exec(dev ?? '')
    if (!m) continue
    const scheduler = /\[([^\]]+)\]/.exec(read(`/sys/block/${name}/queue/scheduler`) ?? '')?.[1] ?? 'none'
    out[`${m[1]}:${m[2]}`] = {
      name,
      major: Number(m[1]),
      minor: Number(m[2]),
      size: num(read(`/sys/block/${name}/size`)) * 512,
      scheduler,
    }
  }
  return out
}

function networkDevices(): Json[] {
  const out: Json[] = []
  for (const name of list('/sys/class/net')) {
    // cAdvisor lists devices backed by hardware (or a hypervisor's virtio device), not lo,
    // bridges and veths.
    try {
      readlinkSync(`/sys/class/net/${name}/device`)
    } catch {
      continue
    }
    out.push({
      name,
      mac_address: read(`/sys/class/net/${name}/address`) ?? '',
      speed: Math.max(0, num(read(`/sys/class/net/${name}/speed`))),
      mtu: num(read(`/sys/class/net/${name}/mtu`)),
    })
  }
  return out
}

export interface FilesystemInfo {
  device: string
  mountpoint: string
  type: string
  major: number
  minor: number
  capacity: number
  available: number
  usage: number
  inodes?: number
  inodesFree?: number
}

/** Mounted block-device filesystems (one per device), with their sizes now. */
export function readFilesystems(procRoot = '/proc'): FilesystemInfo[] {
  let text = ''
  try {
    text = readFileSync(join(procRoot, 'self/mountinfo'), 'utf8')
  } catch {
    return []
  }
  const seen = new Set<string>()
  const out: FilesystemInfo[] = []
  for (const line of text.split('\n')) {
    const parts = line.split(' ')
    const dash = parts.indexOf('-')
    if (dash < 0 || parts.length < dash + 3) continue
    const [major, minor] = (parts[2] ?? '').split(':').map(Number)
    const source = decodeMountField(parts[dash + 2]!)
    if (!source.startsWith('/dev/') || seen.has(source)) continue
    seen.add(source)
    const mountpoint = decodeMountField(parts[4]!)
    try {
      const st = statfsSync(mountpoint)
      out.push({
        device: source,
        mountpoint,
        type: parts[dash + 1]!,
        major: major ?? 0,
        minor: minor ?? 0,
        capacity: st.blocks * st.bsize,
        available: st.bavail * st.bsize,
        usage: (st.blocks - st.bfree) * st.bsize,
        inodes: st.files || undefined,
        inodesFree: st.files ? st.ffree : undefined,
      })
    } catch {
      // Unmounted meanwhile, or not ours to look at.
    }
  }
  return out
}

export interface ApiMachine {
  /** v1 MachineInfo. */
  info: Json
  /** The parts v2 Attributes copies. */
  machine: MachineInfo
  filesystems: FilesystemInfo[]
  readAtMs: number
}

/** Reads everything now. */
export function readApiMachine(procRoot = '/proc'): ApiMachine {
  const m = readMachineInfo(procRoot)
  const meminfo = readMeminfo(procRoot) ?? ''
  const cpuinfo = read(join(procRoot, 'cpuinfo')) ?? ''
  const topo = cpuTopology()
  const mhz = /^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo)
  const maxKhz = num(read(`${CPU_SYS}/cpu0/cpufreq/cpuinfo_max_freq`))
  const filesystems = readFilesystems(procRoot)
  const now = Date.now()
  const info: Json = {
    timestamp: rfc3339(now),
    vendor_id: /^vendor_id\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? '',
    num_cores: m.cpuCores,
    num_physical_cores: new Set(topo.map((t) => `${t.socket}:${t.core}`)).size || m.cpuCores,
    num_sockets: new Set(topo.map((t) => t.socket)).size || 1,
    cpu_frequency_khz: maxKhz || (mhz ? Math.round(Number(mhz[1]) * 1000) : 0),
    memory_capacity: meminfoBytes(meminfo, 'MemTotal') ?? m.memoryBytes,
    swap_capacity: meminfoBytes(meminfo, 'SwapTotal') ?? m.swapBytes,
    memory_by_type: {},
    nvm: {memory_mode_capacity: 0, 'app direct_mode_capacity': 0, avg_power_budget: 0},
    hugepages: hugepages('/sys/kernel/mm/hugepages'),
    machine_id: m.machineId,
    system_uuid: m.systemUuid,
    boot_id: m.bootId,
    filesystems: filesystems.map((f) => ({
      device: f.device,
      capacity: f.capacity,
      // cAdvisor's kind of filesystem (vfs, devicemapper, zfs): a mounted block device is vfs.
      type: f.type === 'zfs' ? 'zfs' : 'vfs',
      inodes: f.inodes ?? 0,
      has_inodes: f.inodes !== undefined,
    })),
    disk_map: diskMap(),
    network_devices: networkDevices(),
    topology: topology(topo),
    cloud_provider: 'Unknown',
    instance_type: 'Unknown',
    instance_id: 'None',
  }
  return {info, machine: m, filesystems, readAtMs: now}
}

/** v2 Attributes: version facts and a subset of MachineInfo. */
export function attributesJson(machine: ApiMachine, version: string): Json {
  const i = machine.info
  return {
    kernel_version: machine.machine.kernelVersion,
    container_os_version: machine.machine.osVersion,
    docker_version: '',
    docker_api_version: '',
    cadvisor_version: version,
    num_cores: i.num_cores,
    cpu_frequency_khz: i.cpu_frequency_khz,
    memory_capacity: i.memory_capacity,
    machine_id: i.machine_id,
    system_uuid: i.system_uuid,
    hugepages: i.hugepages,
    filesystems: i.filesystems,
    disk_map: i.disk_map,
    network_devices: i.network_devices,
    topology: i.topology,
    cloud_provider: i.cloud_provider,
    instance_type: i.instance_type,
  }
}

/** v2 FsInfo of one filesystem (/api/v2.0/storage). */
export function fsInfoJson(f: FilesystemInfo, atMs: number): Json {
  const out: Json = {
    timestamp: rfc3339(atMs),
    device: f.device,
    mountpoint: f.mountpoint,
    capacity: f.capacity,
    available: f.available,
    usage: f.usage,
    labels: f.mountpoint === '/' ? ['root'] : [],
  }
  if (f.inodes !== undefined) {
    out.inodes = f.inodes
    out.inodes_free = f.inodesFree ?? 0
  }
  return out
}

/** The machine, re-read when older than `refreshMs`. */
export class MachineSource {
  private current: ApiMachine | undefined

  constructor(
    private readonly refreshMs: number,
    private readonly procRoot = '/proc',
  ) {}

  get(): ApiMachine {
    if (!this.current || Date.now() - this.current.readAtMs >= this.refreshMs) this.current = readApiMachine(this.procRoot)
    return this.current
  }
}
