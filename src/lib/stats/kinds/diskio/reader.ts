import {DeviceNames} from '../../devices.js'
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

/**
 * v1 blkio: `MAJ:MIN Op value` lines, then a `Total N` line. Only Read and Write matter here;
 * Sync/Async/Discard/Total are other cuts of the same I/O.
 */
function parseBlkio(text: string, path: string, devices: Devices, names: DeviceNames, bytes: boolean): void {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '' || line.startsWith('Total')) continue
    const f = line.split(' ')
    if (f.length !== 3) throw new FileParseError(path, `line ${i + 1}: expected "major:minor op value", got "${line.slice(0, 40)}"`)
    const [major, minor] = majorMinor(f[0]!, path, i + 1)
    const value = toUint(f[2]!)
    if (Number.isNaN(value)) throw new FileParseError(path, `line ${i + 1}: ${uintProblem(f[2]!)}`)
    const op = f[1]!
    if (op !== 'Read' && op !== 'Write') continue
    const d = device(devices, names, major, minor)
    if (bytes) {
      if (op === 'Read') d.readBytes = value
      else d.writeBytes = value
    } else if (op === 'Read') d.reads = value
    else d.writes = value
  }
}

/** v2 io.stat: `MAJ:MIN rbytes=… wbytes=… rios=… wios=… dbytes=… dios=…` per device. */
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
      if (key.startsWith('cost.')) continue
      const value = toUint(raw)
      if (Number.isNaN(value)) throw new FileParseError(path, `line ${i + 1}: ${key}=${uintProblem(raw)}`)
      if (key === 'rbytes') d.readBytes = value
      else if (key === 'wbytes') d.writeBytes = value
      else if (key === 'rios') d.reads = value
      else if (key === 'wios') d.writes = value
    }
  }
}

function names(ctx: ReadContext): DeviceNames {
  return ctx.state('diskio.names', () => new DeviceNames(ctx.procRoot))
}

export const diskioReader: KindReader = {
  kind: 'diskIO',
  files: {
    v1: [
      'blkio.throttle.io_service_bytes_recursive',
      'blkio.throttle.io_serviced_recursive (non-recursive variants on kernels without them)',
    ],
    v2: ['io.stat'],
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
      // The throttle layer sees every bio whatever the I/O scheduler, unlike the cfq/bfq files.
      let found = false
      for (const [file, bytes] of [
        ['io_service_bytes', true],
        ['io_serviced', false],
      ] as const) {
        let path = `${dir.path}/blkio.throttle.${file}_recursive`
        let text = ctx.read(path)
        if (text === undefined) {
          path = `${dir.path}/blkio.throttle.${file}`
          text = ctx.read(path)
        }
        if (text === undefined) continue
        found = true
        const t = text
        ctx.attempt(() => parseBlkio(t, path, devices, names(ctx), bytes))
      }
      if (!found) return
    }
    sample.diskio = [...devices.values()].sort((a, b) => a.major - b.major || a.minor - b.minor)
  },
}
