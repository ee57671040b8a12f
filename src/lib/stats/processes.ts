/*
 * The processes of a container, as `ps` shows them (the columns of cAdvisor's process table:
 * user, pid, ppid, stime, %cpu, %mem, rss, vsz, stat, time, comm, psr), read from
 * /proc/<pid>/{stat,status} rather than by running ps. The root container lists every process
 * of the host; any other lists the processes directly in its cgroup (cgroup.procs), as
 * cAdvisor matches ps's cgroup column. A process that exits while it is read is left out.
 */
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {cgroupDir, hierarchyForController, type CgroupLayout} from '../cgroups/index.js'
import type {ContainerName} from '../model/index.js'

export interface ProcessRow {
  user: string
  pid: number
  ppid: number
  /** Start time, ms since the epoch. */
  startMs: number
  /** Seconds of CPU (user + system) so far. */
  cpuSeconds: number
  /** ps %CPU: CPU time over lifetime, percent. */
  percentCpu: number
  percentMem: number
  rssBytes: number
  vszBytes: number
  /** ps STAT: state and flags (`Ss`, `R+`, `Sl`). */
  stat: string
  comm: string
  /** CPU it last ran on. */
  psr: number
  /** Its cgroup (container name) in the hierarchy read. */
  cgroup: ContainerName
  /** Open descriptors; 0 when they cannot be counted (not ours to read). */
  fds: number
}

/** Linux's USER_HZ is 100 on every architecture Node runs on. */
const CLOCK_TICKS = 100

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

let users: Map<number, string> | undefined
let usersReadAt = 0

function userName(uid: number): string {
  // /etc/passwd changes rarely; a minute-old copy is close enough for a process table.
  if (!users || Date.now() - usersReadAt > 60_000) {
    users = new Map()
    usersReadAt = Date.now()
    for (const line of (readText('/etc/passwd') ?? '').split('\n')) {
      const f = line.split(':')
      if (f.length > 2 && /^\d+$/.test(f[2]!)) users.set(Number(f[2]), f[0]!)
    }
  }
  return users.get(uid) ?? String(uid)
}

function bootMs(procRoot: string): number {
  const btime = /^btime (\d+)$/m.exec(readText(join(procRoot, 'stat')) ?? '')
  return btime ? Number(btime[1]) * 1000 : 0
}

function memTotalBytes(procRoot: string): number {
  const kb = /^MemTotal:\s+(\d+) kB$/m.exec(readText(join(procRoot, 'meminfo')) ?? '')
  return kb ? Number(kb[1]) * 1024 : 0
}

function statusKb(status: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)
  return m ? Number(m[1]) * 1024 : 0
}

function cgroupOf(procRoot: string, pid: number, hierarchyId: string, v2: boolean): ContainerName {
  for (const line of (readText(join(procRoot, String(pid), 'cgroup')) ?? '').split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? []
    if (path === undefined) continue
    if (v2 ? controllers === '' : controllers!.split(',').sort().join(',') === hierarchyId) return path
  }
  return '/'
}

function readRow(procRoot: string, pid: number, ctx: {boot: number; now: number; memTotal: number; hierarchyId: string; v2: boolean}) {
  const dir = join(procRoot, String(pid))
  const stat = readText(join(dir, 'stat'))
  const status = readText(join(dir, 'status'))
  if (stat === undefined || status === undefined) return undefined
  // comm is in parentheses and may itself hold spaces and parentheses: split after the last ')'.
  const close = stat.lastIndexOf(')')
  const comm = stat.slice(stat.indexOf('(') + 1, close)
  const f = stat
    .slice(close + 2)
    .trim()
    .split(' ')
  // f[0] is field 3 (state) of proc(5).
  const field = (n: number): number => Number(f[n - 3])
  const startMs = ctx.boot + (field(22) / CLOCK_TICKS) * 1000
  const cpuSeconds = (field(14) + field(15)) / CLOCK_TICKS
  const elapsed = Math.max(0.001, (ctx.now - startMs) / 1000)
  const uid = Number(/^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? 0)
  const rss = statusKb(status, 'VmRSS')
  const nice = field(19)
  let flags = ''
  if (nice < 0) flags += '<'
  else if (nice > 0) flags += 'N'
  if (field(6) === pid) flags += 's'
  if (field(20) > 1) flags += 'l'
  if (field(8) === field(5) && field(8) > 0) flags += '+'
  let fds = 0
  try {
    fds = readdirSync(join(dir, 'fd')).length
  } catch {
    // Another user's process, or gone: unknown.
  }
  return {
    user: userName(uid),
    pid,
    ppid: field(4),
    startMs,
    cpuSeconds,
    percentCpu: Math.round((cpuSeconds / elapsed) * 1000) / 10,
    percentMem: ctx.memTotal ? Math.round((rss / ctx.memTotal) * 1000) / 10 : 0,
    rssBytes: rss,
    vszBytes: statusKb(status, 'VmSize'),
    stat: f[0]! + flags,
    comm,
    psr: field(39),
    cgroup: cgroupOf(procRoot, pid, ctx.hierarchyId, ctx.v2),
    fds,
  } satisfies ProcessRow
}

/**
 * The processes of container `name`; undefined when the container's cgroup does not exist
 * (any longer).
 */
export function listProcesses(layout: CgroupLayout, name: ContainerName): ProcessRow[] | undefined {
  const h = hierarchyForController(layout, 'cpu') ?? hierarchyForController(layout, 'memory') ?? layout.hierarchies[0]
  if (!h) return undefined
  let pids: number[]
  if (name === '/') {
    try {
      pids = readdirSync(layout.procRoot)
        .filter((e) => /^\d+$/.test(e))
        .map(Number)
    } catch {
      return undefined
    }
  } else {
    const procs = readText(join(cgroupDir(h, name), 'cgroup.procs'))
    if (procs === undefined) return undefined
    pids = procs.split('\n').filter(Boolean).map(Number)
  }
  const ctx = {
    boot: bootMs(layout.procRoot),
    now: Date.now(),
    memTotal: memTotalBytes(layout.procRoot),
    hierarchyId: h.id,
    v2: h.version === 2,
  }
  const rows: ProcessRow[] = []
  for (const pid of pids) {
    const row = readRow(layout.procRoot, pid, ctx)
    if (row) rows.push(row)
  }
  return rows.sort((a, b) => a.pid - b.pid)
}
