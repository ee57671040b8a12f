import {deviceNamesFor, type DeviceNames} from '../../devices.js'
import {FileParseError} from '../../files.js'
import {toUint, uintProblem} from '../../parse.js'
import type {BlkioDeviceSample} from '../../../model/index.js'
import type {KindReader, ReadContext} from '../types.js'

type Devices = Map<string, BlkioDeviceSample>

function device(devices: Devices, names: DeviceNames, major: number, minor: number): BlkioDeviceSample {
  const key = `${major}:${minor}`
  let d = devices.get(key)
  if (!d) {
    d = {major, minor, device: names.name(major, minor), readBytes: 0, writeBytes: 0, reads: 0, writes: 0}
    devices.set(key, d)
  }
  return d
}

function majorMinor(s: string, path: string, lineNo: number): [number, number] {
  const colon = s.indexOf(':')
  const major = colon > 0 ? toUint(s.slice(0, colon)) : Number.NaN
  const minor = colon > 0 ? toUint(s.slice(colon + 1)) : Number.NaN
  if (Number.isNaN(major) || Number.isNaN(minor)) throw new FileParseError(path, `line ${lineNo}: "${s.slice(0, 40)}" is not major:minor`)
  return [major, minor]
}

type Op = 'Read' | 'Write' | 'Sync' | 'Async' | 'Discard' | 'Total'

/** Where each v1 file's per-operation values go; an operation not listed is not kept. */
type Sink = Partial<Record<Op, keyof BlkioDeviceSample>>

const SERVICE_BYTES: Sink = {
  Read: 'readBytes',
  Write: 'writeBytes',
  Sync: 'syncBytes',
  Async: 'asyncBytes',
  Discard: 'discardBytes',
  Total: 'totalBytes',
}
const SERVICED: Sink = {Read: 'reads', Write: 'writes'}
const MERGED: Sink = {Read: 'readMerged', Write: 'writeMerged'}
const SERVICE_TIME: Sink = {Read: 'readServiceNs', Write: 'writeServiceNs', Total: 'totalServiceNs'}
const QUEUED: Sink = {Total: 'queued'}

/** v1 blkio: `MAJ:MIN Op value` lines, then a `Total N` line for all devices. */
function parseBlkio(text: string, path: string, devices: Devices, names: DeviceNames, sink: Sink): void {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '' || line.startsWith('Total')) continue
    const f = line.split(' ')
    if (f.length !== 3) throw new FileParseError(path, `line ${i + 1}: expected "major:minor op value", got "${line.slice(0, 40)}"`)
    const [major, minor] = majorMinor(f[0]!, path, i + 1)
    const value = toUint(f[2]!)
    if (Number.isNaN(value)) throw new FileParseError(path, `line ${i + 1}: ${uintProblem(f[2]!)}`)
    const field = sink[f[1] as Op]
    if (field === undefined) continue
    ;(device(devices, names, major, minor) as unknown as Record<string, number>)[field] = value
  }
}

const COST: Record<string, keyof BlkioDeviceSample> = {
  'cost.usage': 'costUsageUs',
  'cost.wait': 'costWaitUs',
  'cost.indebt': 'costIndebtUs',
  'cost.indelay': 'costIndelayUs',
}

/** v2 io.stat: `MAJ:MIN rbytes=… wbytes=… rios=… wios=… dbytes=… dios=… [cost.usage=…]` per device. */
function parseIoStat(text: string, path: string, devices: Devices, names: DeviceNames): void {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    const f = line.split(' ')
    const [major, minor] = majorMinor(f[0]!, path, i + 1)
    const d = device(devices, names, major, minor)
    for (let j = 1; j < f.length; j++) {
      const eq = f[j]!.indexOf('=')
      if (eq < 0) throw new FileParseError(path, `line ${i + 1}: "${f[j]!.slice(0, 40)}" is not key=value`)
      const key = f[j]!.slice(0, eq)
      const raw = f[j]!.slice(eq + 1)
      const cost = COST[key]
      // Other cost.* keys (cost.vrate and the like) are ratios, not counters.
      if (cost === undefined && key.startsWith('cost.')) continue
      const value = toUint(raw)
      if (Number.isNaN(value)) throw new FileParseError(path, `line ${i + 1}: ${key}=${uintProblem(raw)}`)
      if (key === 'rbytes') d.readBytes = value
      else if (key === 'wbytes') d.writeBytes = value
      else if (key === 'rios') d.reads = value
      else if (key === 'wios') d.writes = value
      else if (cost !== undefined) (d as unknown as Record<string, number>)[cost] = value
    }
  }
}

function names(ctx: ReadContext): DeviceNames {
  return deviceNamesFor(ctx.procRoot)
}

/** Which of a blkio file's two names a container has: the recursive one, the plain one, or neither. */
const enum Found {
  Unknown = 0,
  Recursive = 1,
  Plain = 2,
  Neither = 3,
}

/**
 * A v1 container's blkio state: which name each file has (Found, two bits a file at its
 * fileBit()), and the scheduler statistics' prefix and when they were last looked for. One
 * object a container: a Map of file names and a probe object were about 300 bytes (3 MiB at
 * 10,000 containers).
 */
interface BlkioState {
  found: number
  prefix: string | null
  atMs: number
}

function blkioState(ctx: ReadContext): BlkioState {
  return ctx.state<BlkioState>('diskio.blkio', () => ({found: 0, prefix: null, atMs: Number.NEGATIVE_INFINITY}))
}

/** The blkio files a reader names (the eight of this file), each its two bits in BlkioState.found. */
const FILE_BITS = new Map<string, number>()

function fileBit(file: string): number {
  let bit = FILE_BITS.get(file)
  if (bit === undefined) {
    bit = FILE_BITS.size * 2
    if (bit > 28) throw new Error(`too many blkio files for BlkioState.found: ${file}`)
    FILE_BITS.set(file, bit)
  }
  return bit
}

/**
 * Reads `blkio.<file>_recursive`, falling back to the non-recursive file (kernels before 4.x).
 * Which of the two exists is found once and kept with the container's other state (as which
 * name, not the path: two path strings a container less).
 */
function readBlkio(ctx: ReadContext, dir: string, devices: Devices, file: string, sink: Sink): boolean {
  const state = blkioState(ctx)
  const bit = fileBit(file)
  const was = ((state.found >>> bit) & 3) as Found
  let path: string | undefined
  let text: string | undefined
  if (was === Found.Unknown) {
    path = `${dir}/blkio.${file}_recursive`
    text = ctx.read(path)
    if (text === undefined) {
      path = `${dir}/blkio.${file}`
      text = ctx.read(path)
    }
    const now = text === undefined ? Found.Neither : path.endsWith('_recursive') ? Found.Recursive : Found.Plain
    state.found |= now << bit
  } else if (was !== Found.Neither) {
    path = was === Found.Recursive ? `${dir}/blkio.${file}_recursive` : `${dir}/blkio.${file}`
    text = ctx.read(path)
  }
  if (text === undefined || path === undefined) return false
  const t = text
  const p = path
  ctx.attempt(() => parseBlkio(t, p, devices, names(ctx), sink))
  return true
}

/** How often a v1 container's scheduler statistics files are looked for again (a scheduler change). */
const PROBE_EVERY_MS = 30_000

/**
 * The scheduler statistics of one prefix (`bfq.` or cfq's none); false when it has none of them.
 * The three files come together (cfq has them all; bfq all or, without its debug statistics,
 * none), so without `io_merged` the other two are not looked for: a probe of a kernel that has
 * neither scheduler's is 4 failed opens a container, not 12 (at 1,000 containers, 130 a second
 * instead of 400, each a path walk through cgroupfs).
 */
function schedulerStats(ctx: ReadContext, dir: string, devices: Devices, prefix: string): boolean {
  if (!readBlkio(ctx, dir, devices, `${prefix}io_merged`, MERGED)) return false
  readBlkio(ctx, dir, devices, `${prefix}io_service_time`, SERVICE_TIME)
  readBlkio(ctx, dir, devices, `${prefix}io_queued`, QUEUED)
  return true
}

/** The scheduler statistics of the prefix found, looked for when none was found in the last PROBE_EVERY_MS. */
function schedulerProbe(ctx: ReadContext, dir: string, devices: Devices, nowMs: number): void {
  const probe = blkioState(ctx)
  if (probe.prefix === null && nowMs - probe.atMs >= PROBE_EVERY_MS) {
    probe.atMs = nowMs
    probe.found = 0
    for (const prefix of ['bfq.', '']) {
      if (schedulerStats(ctx, dir, devices, prefix)) {
        probe.prefix = prefix
        break
      }
    }
  } else if (probe.prefix !== null) {
    schedulerStats(ctx, dir, devices, probe.prefix)
  }
}

export const diskioReader: KindReader = {
  kind: 'diskIO',
  freshParts: ['diskio'],
  pure: true,
  stillWithoutTasks: true,
  files: {
    v1: [
      'blkio.throttle.io_service_bytes_recursive',
      'blkio.throttle.io_serviced_recursive (non-recursive variants on kernels without them; not for cadv stats)',
      'blkio.bfq.io_merged / io_service_time / io_queued (_recursive; bfq with debug statistics), else the cfq names, where present',
    ],
    v2: ['io.stat (cost.* with the io.cost controller)'],
  },
  read(ctx, sample) {
    const dir = ctx.dir('blkio')
    if (dir === undefined) return
    const devices: Devices = new Map()
    if (dir.version === 2) {
      const path = `${dir.path}/io.stat`
      const text = ctx.read(path)
      if (text === undefined) return
      parseIoStat(text, path, devices, names(ctx))
    } else {
      // Bytes and counts from the throttle layer: it sees every bio whatever the I/O scheduler,
      // where the bfq and cfq files count only what that scheduler handled.
      const bytes = readBlkio(ctx, dir.path, devices, 'throttle.io_service_bytes', SERVICE_BYTES)
      const counts = ctx.options.blkioServiced !== false && readBlkio(ctx, dir.path, devices, 'throttle.io_serviced', SERVICED)
      const found = bytes || counts
      if (!found) return
      // Merges, service time and queue length exist only as scheduler statistics: bfq with
      // CONFIG_BFQ_CGROUP_DEBUG, or cfq (gone since Linux 5.0). Most kernels have neither:
      // looked for once, and again every PROBE_EVERY_MS, not every tick.
      if (ctx.options.blkioSchedulerStats !== false) schedulerProbe(ctx, dir.path, devices, sample.timestampMs)
    }
    sample.diskio = [...devices.values()].sort((a, b) => a.major - b.major || a.minor - b.minor)
  },
}
