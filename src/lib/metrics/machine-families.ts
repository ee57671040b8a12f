/*
 * Every machine_* family of cAdvisor (and its global scrape-error gauges), rendered once from
 * the machine's facts: what readApiMachine reads for the REST API (cores, sockets, NUMA
 * topology with caches, huge pages and distances), EDAC DIMMs and NVDIMM regions. The
 * topology families need the cpu_topology kind, as in cAdvisor.
 */
import {formatValue, labelPairs, type Family} from '../model/index.js'
import {readApiMachine} from './api-machine.js'
import {readDimms, readNvmAppDirectBytes, type DimmType} from './machine-hw.js'
import type {MachineInfo} from './machine.js'

const gauge = (name: string, help: string): Family => ({name, type: 'gauge', help})

export const physicalCoresFamily = gauge('machine_cpu_physical_cores', 'Number of physical CPU cores.')
export const socketsFamily = gauge('machine_cpu_sockets', 'Number of CPU sockets.')
export const booksFamily = gauge('machine_cpu_books', 'Number of CPU books.')
export const drawersFamily = gauge('machine_cpu_drawers', 'Number of CPU drawers.')
const dimmCount = gauge('machine_dimm_count', 'Number of RAM DIMM (all types memory modules) value labeled by dimm type.')
const dimmCapacity = gauge('machine_dimm_capacity_bytes', 'Total RAM DIMM capacity (all types memory modules) value labeled by dimm type.')
const nvmCapacity = gauge('machine_nvm_capacity', 'NVM capacity value labeled by NVM mode (memory mode or app direct mode).')
const nvmPower = gauge('machine_nvm_avg_power_budget_watts', 'NVM power budget.')
const cacheCapacity = gauge('machine_cpu_cache_capacity_bytes', 'Cache size in bytes assigned to NUMA node and CPU core.')
const threadSiblings = gauge('machine_thread_siblings_count', 'Number of CPU thread siblings.')
const nodeMemory = gauge('machine_node_memory_capacity_bytes', 'Amount of memory assigned to NUMA node.')
// "Numer" is cAdvisor's spelling, kept so the HELP text is the same.
const nodeHugepages = gauge('machine_node_hugepages_count', 'Numer of hugepages assigned to NUMA node.')
const nodeDistance = gauge('machine_node_distance', 'Distance between NUMA node and target NUMA node.')
export const machineScrapeErrorFamily = gauge('machine_scrape_error', '1 if there was an error while getting machine metrics, 0 otherwise.')
export const containerScrapeErrorFamily = gauge(
  'container_scrape_error',
  '1 if there was an error while getting container metrics, 0 otherwise',
)
/** cAdvisor's own version family, beside cadv_version_info (dashboards join on it). */
export const cadvisorVersionFamily: Family = {
  name: 'cadvisor_version_info',
  type: 'gauge',
  help: "A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.",
  info: true,
}

/** The machine families cpu_topology adds. */
export const TOPOLOGY_FAMILIES: readonly Family[] = [cacheCapacity, threadSiblings, nodeMemory, nodeHugepages, nodeDistance]

/** The always-on hardware families, in exposition order (topology ones are added with the kind). */
export const HARDWARE_FAMILIES: readonly Family[] = [
  physicalCoresFamily,
  socketsFamily,
  booksFamily,
  drawersFamily,
  dimmCount,
  dimmCapacity,
  nvmCapacity,
  nvmPower,
]

export interface CpuCacheFact {
  size: number
  type: string
  level: number
}

export interface NodeFact {
  id: number
  memoryBytes: number
  hugepages: Array<{pageSizeKb: number; count: number}>
  distances: number[]
  cores: Array<{id: number; threads: number[]; caches: CpuCacheFact[]}>
  caches: CpuCacheFact[]
}

/** What the machine families show; fixed at start, as the machine is. */
export interface MachineFacts {
  physicalCores: number
  sockets: number
  books: number
  drawers: number
  dimms: DimmType[]
  nvmAppDirectBytes?: number
  nodes: NodeFact[]
  /** Something the machine families need could not be read. */
  error: boolean
}

type Json = Record<string, unknown>
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : [])
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

/** Reads the machine's facts (once at start). */
export function readMachineFacts(procRoot = '/proc', sysRoot = '/sys'): MachineFacts {
  let api: Json
  let error = false
  try {
    api = readApiMachine(procRoot).info
  } catch {
    api = {}
    error = true
  }
  const nodes: NodeFact[] = arr(api.topology).map((node) => ({
    id: n(node.node_id),
    memoryBytes: n(node.memory),
    hugepages: arr(node.hugepages).map((h) => ({pageSizeKb: n(h.page_size), count: n(h.num_pages)})),
    distances: Array.isArray(node.distances) ? (node.distances as unknown[]).map(n) : [],
    cores: arr(node.cores).map((c) => ({
      id: n(c.core_id),
      threads: Array.isArray(c.thread_ids) ? (c.thread_ids as unknown[]).map(n) : [],
      caches: [...arr(c.caches), ...arr(c.uncore_caches)].map((x) => ({size: n(x.size), type: String(x.type ?? ''), level: n(x.level)})),
    })),
    caches: arr(node.caches).map((x) => ({size: n(x.size), type: String(x.type ?? ''), level: n(x.level)})),
  }))
  const facts: MachineFacts = {
    physicalCores: n(api.num_physical_cores),
    sockets: n(api.num_sockets),
    // Books and drawers exist on s390x only (topology book_id, drawer_id); 0 elsewhere, as cAdvisor.
    books: 0,
    drawers: 0,
    dimms: readDimms(sysRoot),
    nodes,
    error,
  }
  const nvm = readNvmAppDirectBytes(sysRoot)
  if (nvm !== undefined) facts.nvmAppDirectBytes = nvm
  return facts
}

/** The machine families one exposition shows: the hardware ones, and the topology ones with cpu_topology. */
export function machineFamilies(topology: boolean): Family[] {
  return [...HARDWARE_FAMILIES, ...(topology ? TOPOLOGY_FAMILIES : [])]
}

/** Per family, its series lines (machine labels as cAdvisor's: machine_id, system_uuid, boot_id). */
export function hardwareLines(m: MachineInfo, facts: MachineFacts, topology: boolean): Map<Family, string> {
  const base = labelPairs([
    ['machine_id', m.machineId],
    ['system_uuid', m.systemUuid],
    ['boot_id', m.bootId],
  ])
  const out = new Map<Family, string>()
  const add = (f: Family, v: number, extra: Array<[string, string]> = []): void => {
    const labels = [base, labelPairs(extra)].filter((s) => s !== '').join(',')
    out.set(f, (out.get(f) ?? '') + `${f.name}${labels === '' ? '' : `{${labels}}`} ${formatValue(v)}\n`)
  }
  add(physicalCoresFamily, facts.physicalCores)
  add(socketsFamily, facts.sockets)
  add(booksFamily, facts.books)
  add(drawersFamily, facts.drawers)
  for (const d of facts.dimms) {
    add(dimmCount, d.count, [['type', d.type]])
    add(dimmCapacity, d.capacityBytes, [['type', d.type]])
  }
  if (facts.nvmAppDirectBytes !== undefined) add(nvmCapacity, facts.nvmAppDirectBytes, [['mode', 'app_direct_mode']])
  if (!topology) return out
  for (const node of facts.nodes) {
    const id = String(node.id)
    for (const core of node.cores) {
      for (const c of core.caches) {
        add(cacheCapacity, c.size, [
          ['node_id', id],
          ['core_id', String(core.id)],
          ['type', c.type],
          ['level', String(c.level)],
        ])
      }
    }
    for (const c of node.caches) {
      add(cacheCapacity, c.size, [
        ['node_id', id],
        ['core_id', ''],
        ['type', c.type],
        ['level', String(c.level)],
      ])
    }
    for (const core of node.cores) {
      for (const t of core.threads) {
        add(threadSiblings, core.threads.length, [
          ['node_id', id],
          ['core_id', String(core.id)],
          ['thread_id', String(t)],
        ])
      }
    }
    add(nodeMemory, node.memoryBytes, [['node_id', id]])
    for (const h of node.hugepages) {
      add(nodeHugepages, h.count, [
        ['node_id', id],
        ['page_size', String(h.pageSizeKb)],
      ])
    }
    node.distances.forEach((d, target) =>
      add(nodeDistance, d, [
        ['node_id', id],
        ['target_node_id', String(target)],
      ]),
    )
  }
  return out
}

/** cadvisor_version_info's line, with cAdvisor's label names (dockerVersion empty, as cAdvisor's is now). */
export function cadvisorVersionLine(m: MachineInfo, version: string): string {
  const labels = labelPairs([
    ['cadvisorRevision', ''],
    ['cadvisorVersion', version],
    ['dockerVersion', ''],
    ['kernelVersion', m.kernelVersion],
    ['osVersion', m.osVersion],
  ])
  return `${cadvisorVersionFamily.name}{${labels}} 1\n`
}
