/*
 * Network namespaces: which process stands for a container's network namespace, and whether
 * that namespace is the host's. The network kind reads /proc/<pid>/net/dev of that process;
 * kinds reading other per-namespace files (/proc/<pid>/net/tcp, …) use the same answer.
 *
 * The host's namespace is found once per process, by the first rule that gives an answer:
 *   1. `--host-netns PATH|PID`, when given (a namespace file such as /run/netns/host, or a pid);
 *   2. a fixed inode number: kernels that number the initial namespaces statically give the
 *      initial network namespace an inode below 0xF0000000, where dynamic numbers start, so
 *      cadv's own namespace (or PID 1's) is the host's when its number is one of those;
 *   3. PID 1's namespace, when it can be read (PID 1 is the host's init outside sandboxes);
 *   4. the namespace of a kernel thread in the root cgroup (kernel threads never leave the
 *      initial namespace; other processes there may have, cadv itself among them);
 *   5. none: the host's namespace is unknown, and raw cgroups get no network numbers (a
 *      namespace that may be the host's is never counted as a container's own).
 * PID 1 alone is not enough: in sandboxes and containers it is not init, and without
 * CAP_SYS_PTRACE its namespace link cannot be read at all.
 */
import {readFileSync, readlinkSync, statSync} from 'node:fs'

import type {CgroupLayout} from '../cgroups/index.js'
import type {Sample} from '../model/index.js'
import type {HostNetnsView, ReadContext} from './kinds/types.js'
import {toUint} from './parse.js'
import {noTasksIn, ownTasks, pidsCurrent, QUIET_CHECK_READINGS} from './tasks.js'

/** Dynamic namespace inode numbers start here (the kernel's PROC_DYNAMIC_FIRST). */
const DYNAMIC_FIRST = 0xf0000000

/** `--host-netns` names nothing usable: one line, exit 2. */
export class HostNetnsError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'HostNetnsError'
  }
}

/**
 * The inode number of a `net:[4026531840]` link text, or undefined. The kernel's link is exactly
 * that; a copied fixture tree may hold it as the last part of a path (a copy resolves links).
 */
export function netnsInode(link: string | undefined): number | undefined {
  if (link === undefined) return undefined
  const m = /(?:^|\/)net:\[(\d+)\]$/.exec(link)
  return m ? Number(m[1]) : undefined
}

function readlinkQuiet(path: string): string | undefined {
  try {
    return readlinkSync(path)
  } catch {
    return undefined
  }
}

/** The network namespace of a process (`self` or a pid) as an inode number, or undefined when unreadable. */
export function processNetns(procRoot: string, pid: number | 'self'): number | undefined {
  return netnsInode(readlinkQuiet(`${procRoot}/${pid}/ns/net`))
}

/** PF_KTHREAD in the flags of /proc/<pid>/stat (field 9, counted after the parenthesised name). */
const PF_KTHREAD = 0x00200000

/** Kernel threads live in the initial namespaces whatever else runs in the root cgroup. */
function isKernelThread(procRoot: string, pid: number): boolean {
  let stat: string
  try {
    stat = readFileSync(`${procRoot}/${pid}/stat`, 'latin1')
  } catch {
    return false
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const flags = Number(fields[6])
  return Number.isInteger(flags) && (flags & PF_KTHREAD) !== 0
}

/** What was found, and how (for `-v`). */
export interface HostNetnsAnswer {
  /** The host namespace's inode number; undefined when no rule gave one. */
  inode: number | undefined
  /** A process in it whose /proc/<pid>/net files are the host's (the root cgroup's numbers). */
  pid: number | 'self' | undefined
  how: string
}

export interface HostNetnsOptions {
  procRoot: string
  /** `--host-netns`: a namespace file or a pid. */
  override?: string
  /** cgroup.procs files of the hierarchies' roots, where kernel threads are (rule 4). */
  rootProcs?: readonly string[]
}

/**
 * The host's network namespace, found on first use by the rules above and kept: a host's
 * namespace does not change while cadv runs. One instance is shared by every container.
 */
export class HostNetns implements HostNetnsView {
  private answer: HostNetnsAnswer | undefined

  constructor(private readonly options: HostNetnsOptions) {
    // A flag naming nothing is bad input, said at start rather than at the first read.
    if (options.override !== undefined) this.answer = fromOverride(options.procRoot, options.override)
  }

  get(): HostNetnsAnswer {
    this.answer ??= identify(this.options)
    return this.answer
  }

  /** True when `inode` is known to be the host's; false when it is not or the host is unknown. */
  isHost(inode: number): boolean {
    return this.get().inode === inode
  }
}

function fromOverride(procRoot: string, value: string): HostNetnsAnswer {
  const pid = /^\d+$/.test(value) ? Number(value) : undefined
  const path = pid !== undefined ? `${procRoot}/${pid}/ns/net` : value
  let inode: number | undefined
  try {
    // A /proc link names its namespace; a bind-mounted namespace file (/run/netns/x) is the
    // namespace's own inode.
    inode = netnsInode(readlinkQuiet(path)) ?? statSync(path).ino
  } catch (err) {
    throw new HostNetnsError(
      `--host-netns ${value}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    )
  }
  return {inode, pid, how: `--host-netns ${value}`}
}

function identify(o: HostNetnsOptions): HostNetnsAnswer {
  const self = processNetns(o.procRoot, 'self')
  if (self !== undefined && self < DYNAMIC_FIRST)
    return {inode: self, pid: 'self', how: `cadv's own (net:[${self}], the initial namespace's fixed number)`}
  const init = processNetns(o.procRoot, 1)
  if (init !== undefined) {
    const how = init < DYNAMIC_FIRST ? `PID 1's (net:[${init}], the initial namespace's fixed number)` : `PID 1's (net:[${init}])`
    return {inode: init, pid: 1, how}
  }
  for (const file of o.rootProcs ?? []) {
    let text: string
    try {
      text = readFileSync(file, 'latin1')
    } catch {
      continue
    }
    for (const line of text.split('\n')) {
      const pid = toUint(line.trim())
      if (Number.isNaN(pid) || pid === 0 || !isKernelThread(o.procRoot, pid)) continue
      const ns = processNetns(o.procRoot, pid)
      if (ns !== undefined) return {inode: ns, pid, how: `kernel thread ${pid}'s (net:[${ns}]; PID 1's cannot be read)`}
    }
  }
  return {
    inode: undefined,
    pid: undefined,
    how: 'unknown: neither PID 1 nor a process of the root cgroup can be read; raw cgroups get no network numbers (name it with --host-netns)',
  }
}

/** One HostNetns per layout unless the manager passes its own (with `--host-netns`). */
const perLayout = new WeakMap<CgroupLayout, HostNetns>()

/** The host namespace finder for a layout: its procRoot, and its hierarchies' root cgroup.procs. */
export function hostNetnsFor(layout: CgroupLayout, override?: string): HostNetns {
  const make = (): HostNetns => {
    const o: HostNetnsOptions = {procRoot: layout.procRoot, rootProcs: layout.hierarchies.map((h) => `${h.mountPoint}/cgroup.procs`)}
    if (override !== undefined) o.override = override
    return new HostNetns(o)
  }
  if (override !== undefined) return make()
  let h = perLayout.get(layout)
  if (!h) perLayout.set(layout, (h = make()))
  return h
}

/** A process whose /proc/<pid>/net files stand for a namespace; 0 means none. */
export type NetnsPid = number | 'self'

/**
 * How long a raw cgroup's decision (which process, and whether its namespace is the host's)
 * stands while nothing says it moved: the spec refresh's period, the same bound the quiet parts
 * of the collector keep.
 */
export const NETNS_DECISION_MS = 30_000

/**
 * Which process stands for the container's network namespace, or 0 for none:
 * - a container sharing another's namespace: none (its numbers are the other's);
 * - the runtime's pid, when it gave one (as cAdvisor, whatever namespace that is);
 * - the root cgroup: a process of the host's namespace (its numbers are the host's);
 * - otherwise the first process in the cgroup, only when its namespace can be read and is not
 *   the host's: a raw cgroup in the host's namespace has no network of its own.
 * Answered once per sample, so every kind reading per-namespace files in one tick agrees and
 * cgroup.procs is read once; with a sample, a raw cgroup's answer is also kept between ticks
 * (keptDecision).
 */
export function networkPid(ctx: ReadContext, sample?: Sample): NetnsPid {
  // The tick's memo, not a WeakMap keyed by the sample: that one grew by a thousand entries a
  // second between full collections, a table of megabytes at 1,000 containers.
  return sample ? ctx.memo('netns.pid', () => keptDecision(ctx, sample)) : decide(ctx)
}

/**
 * How long a kept decision's process is taken as still in the namespace it was seen in, without
 * a look at its link, while the cgroup's CPU time has not moved (see keptDecision).
 */
export const NETNS_LOOK_MS = 5_000

/** A raw cgroup's last decision: its first process and that one's namespace, the answer, pids.current's text then. */
interface Decision {
  first: number
  ns: number | undefined
  pid: NetnsPid
  pidsText: string | undefined
  at: number
  /** Readings it has stood for since it was made. */
  reads: number
  /** When the first process's link was last read, and the cgroup's CPU time (ns) read before that look (NaN: unknown). */
  lookedAt: number
  cpuNs: number
}

/**
 * A raw cgroup's decision costs a v1 cgroup.procs opened, read and closed (a kept descriptor
 * serves the list it built for up to a second) at every tick, for each cgroup holding a
 * process: a host's services in its own namespace as much as containers. The last decision's
 * first process stands while the cgroup's task count (pids.current, read each tick it holds one) has
 * the same text and the decision is younger than NETNS_DECISION_MS (or QUIET_CHECK_READINGS
 * readings): a first process replaced by another within one tick with the count unchanged is
 * seen at the latest then. Its namespace is looked at again (one readlink) when the cgroup's CPU
 * time (the sample's cpu part, read before) moved since the last look, and at least every
 * NETNS_LOOK_MS: a process enters another namespace (unshare, setns) or exits only by running,
 * and running moves its cgroup's CPU time (charged at every switch away and every scheduler
 * tick). The bound covers a v1 host where the process sits in another cpuacct cgroup than the
 * pids one. A sleeping process's link was read every tick: 2.6 % of busy at 1,000 containers,
 * 100 of them with a process. Without a pids controller every tick decides afresh. A cgroup that had no process
 * stays so without pids.current read while the collector presumes it empty
 * (ReadContext.presumedEmpty: a few seconds while nothing else moves).
 */
function keptDecision(ctx: ReadContext, sample: Sample): NetnsPid {
  if (!ctx.hasNetwork || ctx.pid > 0 || ctx.name === '/') return decide(ctx)
  const now = sample.timestampMs
  const kept = ctx.state<Decision>('netns.decision', () => ({
    first: 0,
    ns: undefined,
    pid: 0,
    pidsText: undefined,
    at: Number.NEGATIVE_INFINITY,
    reads: 0,
    lookedAt: Number.NEGATIVE_INFINITY,
    cpuNs: Number.NaN,
  }))
  const cpuNs = sample.cpu?.usageNs ?? Number.NaN
  // A cgroup with no process at the last decision, presumed still empty (ReadContext.presumedEmpty):
  // that decision stands without reading pids.current.
  const presumed = kept.first === 0 && noTasksIn(kept.pidsText) && ctx.presumedEmpty()
  const pidsText = presumed ? kept.pidsText : pidsCurrent(ctx)?.text
  // Younger than NETNS_DECISION_MS, or than QUIET_CHECK_READINGS readings of a container read
  // less often (backed off: each of its readings would decide afresh).
  kept.reads++
  const young = now - kept.at < NETNS_DECISION_MS || kept.reads < QUIET_CHECK_READINGS
  if (pidsText !== undefined && pidsText === kept.pidsText && now >= kept.at && young) {
    if (kept.first === 0) return 0
    // NaN (no CPU part) equals nothing: looked at each tick.
    if (cpuNs === kept.cpuNs && now >= kept.lookedAt && now - kept.lookedAt < NETNS_LOOK_MS) return kept.pid
    const ns = processNetns(ctx.procRoot, kept.first)
    if (ns !== undefined && ns === kept.ns) {
      kept.lookedAt = now
      kept.cpuNs = cpuNs
      return kept.pid
    }
  }
  const first = firstPid(ctx)
  const ns = first === 0 ? undefined : processNetns(ctx.procRoot, first)
  kept.first = first
  kept.ns = ns
  kept.pid = first === 0 ? 0 : fromNs(ctx, first, ns)
  kept.pidsText = pidsText
  kept.at = now
  kept.reads = 0
  kept.lookedAt = now
  kept.cpuNs = cpuNs
  return kept.pid
}

function decide(ctx: ReadContext): NetnsPid {
  if (!ctx.hasNetwork) return 0
  if (ctx.pid > 0) return ctx.pid
  if (ctx.name === '/') return ctx.hostNetns.get().pid ?? 1
  const pid = firstPid(ctx)
  return pid === 0 ? 0 : fromNs(ctx, pid, processNetns(ctx.procRoot, pid))
}

/** The first process's pid when its namespace `ns` is readable and not the host's, else 0. */
function fromNs(ctx: ReadContext, pid: number, ns: number | undefined): NetnsPid {
  // Unreadable, or the host's unknown: it may be the host's namespace, so it is not counted.
  if (ns === undefined || ctx.hostNetns.get().inode === undefined || ctx.hostNetns.isHost(ns)) return 0
  return pid
}

/**
 * The first pid of the container's own processes, or 0 when it has none: the task list the
 * kinds share each tick (stats/tasks.ts), so an empty cgroup is known from its kept pids.current.
 */
function firstPid(ctx: ReadContext): number {
  return ownTasks(ctx, 'procs')?.[0] ?? 0
}
