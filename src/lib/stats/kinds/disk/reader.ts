import {statfsSync} from 'node:fs'

import {deviceNamesFor, type DeviceNames} from '../../devices.js'
import {FileParseError, readlinkQuiet} from '../../files.js'
import {toUint} from '../../parse.js'
import {ownTasks, readTaskFile} from '../../tasks.js'
import type {DiskstatsSample, FilesystemSample} from '../../../model/index.js'
import type {KindReader, ReadContext} from '../types.js'

/** How often a container without a known writable layer is looked at again, and `/`'s mount table re-read. */
const LOOKUP_EVERY_MS = 30_000

/** One line of mountinfo: what the disk kind needs of it. */
export interface Mount {
  major: number
  minor: number
  /** Path of the mount's root inside its filesystem. */
  root: string
  mountPoint: string
  fsType: string
  source: string
  superOptions: string
}

/** mountinfo fields: `id parent major:minor root mountpoint options [optional…] - fstype source superoptions`. */
export function parseMountinfo(text: string): Mount[] {
  const out: Mount[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const dash = line.indexOf(' - ')
    if (dash < 0) continue
    const f = line.slice(0, dash).split(' ')
    const g = line.slice(dash + 3).split(' ')
    const mm = f[2]?.split(':')
    if (f.length < 6 || g.length < 3 || mm?.length !== 2) continue
    out.push({
      major: Number(mm[0]),
      minor: Number(mm[1]),
      root: unescape(f[3]!),
      mountPoint: unescape(f[4]!),
      fsType: g[0]!,
      source: unescape(g[1]!),
      superOptions: g.slice(2).join(' '),
    })
  }
  return out
}

/** mountinfo writes space, tab, newline and backslash as \040-style octal escapes. */
function unescape(s: string): string {
  return s.includes('\\') ? s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) : s
}

/** The upper (writable) directory of an overlay root filesystem, from its super options. */
export function overlayUpperDir(mounts: readonly Mount[]): string | undefined {
  const root = mounts.findLast((m) => m.mountPoint === '/')
  if (root?.fsType !== 'overlay') return undefined
  for (const opt of splitOptions(root.superOptions)) if (opt.startsWith('upperdir=')) return opt.slice('upperdir='.length)
  return undefined
}

/** Overlay options are comma-separated; a comma inside a path is written `\,`. */
function splitOptions(s: string): string[] {
  return s.split(/(?<!\\),/).map((o) => o.replace(/\\,/g, ','))
}

/** /proc/diskstats: `major minor name reads merged sectors ms writes merged sectors ms in-progress io_ms weighted_ms …`. */
export function parseDiskstats(text: string, path: string): Map<string, DiskstatsSample> {
  const out = new Map<string, DiskstatsSample>()
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/)
    if (f.length < 14) {
      if (f.length > 1) throw new FileParseError(path, `line ${i + 1}: expected at least 14 fields, got ${f.length}`)
      continue
    }
    const n = f.slice(3, 14).map(toUint)
    if (n.some(Number.isNaN)) throw new FileParseError(path, `line ${i + 1}: a counter is not an integer`)
    out.set(`${f[0]}:${f[1]}`, {
      reads: n[0]!,
      readsMerged: n[1]!,
      sectorsRead: n[2]!,
      readMs: n[3]!,
      writes: n[4]!,
      writesMerged: n[5]!,
      sectorsWritten: n[6]!,
      writeMs: n[7]!,
      ioInProgress: n[8]!,
      ioMs: n[9]!,
      weightedIoMs: n[10]!,
    })
  }
  return out
}

function deviceNames(ctx: ReadContext): DeviceNames {
  return deviceNamesFor(ctx.procRoot)
}

function deviceLabel(ctx: ReadContext, major: number, minor: number): string {
  const name = deviceNames(ctx).name(major, minor)
  return /^\d+:\d+$/.test(name) ? name : `/dev/${name}`
}

interface RootState {
  atMs: number
  mounts: Mount[]
}

/**
 * `/`: every mounted block-device filesystem (one mount per device), its size, use and inodes
 * from statfs, and the device's /proc/diskstats counters when diskIO is on too.
 */
function readRoot(ctx: ReadContext, now: number): FilesystemSample[] {
  const state = ctx.state<RootState>('disk.root', () => ({atMs: Number.NEGATIVE_INFINITY, mounts: []}))
  if (now - state.atMs >= LOOKUP_EVERY_MS) {
    state.atMs = now
    const text = ctx.readOnce(`${ctx.procRoot}/self/mountinfo`)
    const seen = new Set<string>()
    state.mounts = []
    for (const m of parseMountinfo(text ?? '')) {
      const key = `${m.major}:${m.minor}`
      if (m.major === 0 || !m.source.startsWith('/dev/') || seen.has(key)) continue
      seen.add(key)
      state.mounts.push(m)
    }
  }
  let stats: Map<string, DiskstatsSample> | undefined
  if (ctx.kinds.has('diskIO')) {
    const path = `${ctx.procRoot}/diskstats`
    const text = ctx.read(path)
    if (text !== undefined) stats = ctx.attempt(() => parseDiskstats(text, path))
  }
  const out: FilesystemSample[] = []
  for (const m of state.mounts) {
    let fs
    try {
      fs = statfsSync(m.mountPoint)
    } catch {
      continue
    }
    const f: FilesystemSample = {
      device: deviceLabel(ctx, m.major, m.minor),
      major: m.major,
      minor: m.minor,
      type: m.fsType,
      limitBytes: fs.blocks * fs.bsize,
      usageBytes: (fs.blocks - fs.bfree) * fs.bsize,
      availableBytes: fs.bavail * fs.bsize,
      inodes: fs.files,
      inodesFree: fs.ffree,
    }
    const io = stats?.get(`${m.major}:${m.minor}`)
    if (io) f.io = io
    out.push(f)
  }
  return out
}

interface LayerState {
  /** The directories handed to the walker, or undefined while none is known. */
  dirs?: readonly string[]
  /** Which process the lookup used, so a new one triggers a new lookup. */
  pid?: number
  lookedAtMs: number
  /** Until the next lookup: 1 s after a miss, doubling to LOOKUP_EVERY_MS (a container's process may not have its root yet). */
  waitMs: number
}

/** cadv's own mount namespace per proc root: read once (a process does not change its own). */
const selfMnt = new Map<string, string | undefined>()

function selfMntOf(procRoot: string): string | undefined {
  if (!selfMnt.has(procRoot)) selfMnt.set(procRoot, readlinkQuiet(`${procRoot}/self/ns/mnt`))
  return selfMnt.get(procRoot)
}

/**
 * What a mountinfo showed at `/` for a (mount namespace, root) pair, shared between the
 * containers whose processes have that pair: the host's services seen from a cadv in a
 * container of its own all show the host's mount table, which is parsed once per look, not
 * once per service (a Kubernetes node's has a line per volume of every pod).
 */
const layerLooks = new Map<string, {atMs: number; upper: string | undefined}>()
/** Past this many pairs, looks older than LOOKUP_EVERY_MS are dropped before adding one. */
const LAYER_LOOKS_MAX = 256

/**
 * The directories holding what the container wrote: those the runtime named (docker and
 * podman: the overlay upper directory and the log directory), else the upper directory of the
 * overlay mounted at `/` in the mount namespace of one of its processes (containerd, CRI-O,
 * runc under a raw name). A process that shares the host's root has none.
 */
function layerDirs(ctx: ReadContext, state: LayerState, now: number): readonly string[] | undefined {
  if (ctx.writableDirs.length > 0) return ctx.writableDirs
  // Looked at again only every LOOKUP_EVERY_MS (and when the runtime's pid changes): a tick
  // of a raw cgroup costs nothing here.
  if (now - state.lookedAtMs < state.waitMs && (ctx.pid === 0 || ctx.pid === state.pid)) return state.dirs
  // How old a look may be: what this container accepted since its own last one.
  const maxAgeMs = Math.min(state.waitMs, now - state.lookedAtMs)
  state.lookedAtMs = now
  state.waitMs = Math.min(LOOKUP_EVERY_MS, state.waitMs * 2)
  const pid = ctx.pid > 0 ? ctx.pid : ownTasks(ctx, 'procs')?.[0]
  if (pid === undefined) return (state.dirs = undefined)
  if (state.dirs !== undefined && state.pid === pid) return state.dirs
  state.pid = pid
  // Same mount namespace as cadv: the host's root, not a layer of the container's own.
  const ns = readlinkQuiet(`${ctx.procRoot}/${pid}/ns/mnt`)
  if (ns === undefined || ns === selfMntOf(ctx.procRoot)) return (state.dirs = undefined)
  // mountinfo shows mount points from the process's root (a chroot sees its overlay at /): the
  // root is part of what a look is shared by.
  const key = `${ctx.procRoot}\0${ns}\0${readlinkQuiet(`${ctx.procRoot}/${pid}/root`) ?? ''}`
  let look = layerLooks.get(key)
  if (look === undefined || now - look.atMs >= maxAgeMs || look.atMs > now) {
    const text = readTaskFile(ctx, `${ctx.procRoot}/${pid}/mountinfo`, false)
    look = {atMs: now, upper: text === undefined ? undefined : overlayUpperDir(parseMountinfo(text))}
    // A process gone before its mountinfo was read tells nothing about its namespace.
    if (text !== undefined) rememberLook(key, look, now)
  }
  const upper = look.upper
  state.dirs = upper === undefined ? undefined : [upper]
  if (upper !== undefined) state.waitMs = LOOKUP_EVERY_MS
  return state.dirs
}

function rememberLook(key: string, look: {atMs: number; upper: string | undefined}, now: number): void {
  if (layerLooks.size >= LAYER_LOOKS_MAX && !layerLooks.has(key)) {
    for (const [k, v] of layerLooks) if (now - v.atMs >= LOOKUP_EVERY_MS || v.atMs > now) layerLooks.delete(k)
    // All of them recent (that many namespaces looked at within LOOKUP_EVERY_MS): the oldest goes.
    if (layerLooks.size >= LAYER_LOOKS_MAX) layerLooks.delete(layerLooks.keys().next().value!)
  }
  layerLooks.delete(key)
  layerLooks.set(key, look)
}

export const diskReader: KindReader = {
  kind: 'disk',
  // A walk that finished since the reading before asks for a reading at once (housekeeping's
  // soon): a reading for rates must pick its result up too.
  freshParts: ['filesystems'],
  files: {
    v1: [
      '/: <proc>/self/mountinfo (every 30 s), statfs of each block-device filesystem, <proc>/diskstats (with diskIO)',
      'containers: the writable layer the runtime names, else <proc>/<pid>/mountinfo (overlay upperdir), walked in the background',
    ],
    v2: [
      '/: <proc>/self/mountinfo (every 30 s), statfs of each block-device filesystem, <proc>/diskstats (with diskIO)',
      'containers: the writable layer the runtime names, else <proc>/<pid>/mountinfo (overlay upperdir), walked in the background',
    ],
  },
  read(ctx, sample) {
    const now = sample.timestampMs
    if (ctx.name === '/') {
      const fs = readRoot(ctx, now)
      if (fs.length > 0) sample.filesystems = fs
      return
    }
    const usage = ctx.diskUsage
    if (usage === undefined) return
    const state = ctx.state<LayerState>('disk.layer', () => ({lookedAtMs: Number.NEGATIVE_INFINITY, waitMs: 500}))
    const dirs = layerDirs(ctx, state, now)
    if (dirs === undefined) {
      usage.untrack(ctx.name)
      return
    }
    usage.track(ctx.name, dirs)
    const u = usage.get(ctx.name)
    if (u === undefined) return
    const major = devMajor(u.dev)
    const minor = devMinor(u.dev)
    sample.filesystems = [
      {
        device: deviceLabel(ctx, major, minor),
        major,
        minor,
        limitBytes: u.fsBytes,
        usageBytes: u.bytes,
        availableBytes: u.fsAvailableBytes,
        inodes: u.fsInodes,
        inodesFree: u.fsInodesFree,
        inodesUsed: u.inodes,
      },
    ]
  },
}

/** The major number of a Linux dev_t (glibc's gnu_dev_major: bits 8–19 and 32–43). */
export function devMajor(dev: number): number {
  return ((dev >>> 8) & 0xfff) | ((Math.floor(dev / 2 ** 32) & 0xfff) << 12)
}

/** The minor number of a Linux dev_t (bits 0–7 and 20–31). */
export function devMinor(dev: number): number {
  return (dev & 0xff) | (((dev >>> 20) & 0xfff) << 8)
}
