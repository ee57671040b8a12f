import {spawn, type ChildProcess} from 'node:child_process'
import {createInterface} from 'node:readline'

import type {PerfEvent} from './config.js'

/*
 * Counting perf events per cgroup through perf(1): Node cannot call perf_event_open(2), and
 * `perf stat -a -A --for-each-cgroup` opens the same per-CPU cgroup counters cAdvisor opens.
 * One `perf stat` runs for every container being read, printing each counter's increase
 * every second (CSV); the totals are kept here, so a container's counters only ever grow,
 * also across the restarts that add new containers and drop deleted ones. perf's workload is
 * `cat` reading a pipe only cadv holds: when cadv exits, however it exits, the pipe closes,
 * `cat` ends and perf stops with it.
 */

const INTERVAL_MS = 1000
/** A new container is counted after this long (several appearing together cost one restart). */
const RESTART_DELAY_MS = 2000
/** A container no reading asked for during this long (deleted) is dropped at the next restart. */
const FORGET_MS = 30_000

export interface PerfCount {
  event: string
  cpu: number
  /** Events counted since the container was first asked for. */
  total: number
  /** Time the counter ran ÷ time it was enabled in the last interval (below 1: multiplexed). */
  ratio: number
}

/** `cgroup` as --for-each-cgroup takes it: relative to the mount, `/` for the root. */
function perfName(cgroup: string): string {
  return cgroup === '/' ? '/' : cgroup.replace(/^\//, '')
}

export class PerfCounter {
  private child: ChildProcess | undefined
  private counting = ''
  private readonly wanted = new Map<string, number>()
  private readonly totals = new Map<string, Map<string, PerfCount>>()
  private readonly eventNames: Map<string, string>
  private restartTimer: NodeJS.Timeout | undefined
  private readonly forgetTimer: NodeJS.Timeout
  private stopped = false
  /** Why perf could not count (its own words), for the reader to report; cleared by a good line. */
  problem: string | undefined

  constructor(
    readonly events: readonly PerfEvent[],
    private readonly perf = 'perf',
  ) {
    // perf prints the name given with name=…, else the spec as written.
    this.eventNames = new Map(events.flatMap((e) => [[e.spec, e.name] as const, [e.name, e.name] as const]))
    this.forgetTimer = setInterval(() => this.restart(Date.now()), FORGET_MS)
    this.forgetTimer.unref()
  }

  /** The running perf's pid (benchmarks measure its CPU). */
  get pid(): number | undefined {
    return this.child?.pid
  }

  /** The counts of a cgroup; a cgroup asked for the first time is counted from a few seconds on. */
  counts(cgroup: string, nowMs: number): ReadonlyMap<string, PerfCount> | undefined {
    const known = this.wanted.has(cgroup)
    this.wanted.set(cgroup, nowMs)
    if (!known && !this.stopped && this.restartTimer === undefined) {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined
        this.restart(Date.now())
      }, RESTART_DELAY_MS)
      this.restartTimer.unref()
    }
    return this.totals.get(cgroup)
  }

  private restart(nowMs: number): void {
    if (this.stopped) return
    for (const [cg, asked] of this.wanted) {
      if (nowMs - asked < FORGET_MS) continue
      this.wanted.delete(cg)
      this.totals.delete(cg)
    }
    // A comma would split the list perf takes; such a name is not counted.
    const cgroups = [...this.wanted.keys()].filter((c) => !c.includes(',')).sort()
    const key = cgroups.join('\n')
    if (key === this.counting && this.child !== undefined) return
    this.stopChild()
    this.counting = key
    if (cgroups.length === 0) return
    const args = ['stat', '-x', ',', '-I', String(INTERVAL_MS), '-a', '-A', '-e', this.events.map((e) => e.spec).join(',')]
    args.push('--for-each-cgroup', cgroups.map(perfName).join(','), '--', 'cat')
    const child = spawn(this.perf, args, {stdio: ['pipe', 'ignore', 'pipe']})
    this.child = child
    let last = ''
    child.on('error', (err) => {
      this.problem = `${this.perf}: ${(err as NodeJS.ErrnoException).code ?? err.message}`
    })
    createInterface({input: child.stderr!}).on('line', (line) => {
      if (!this.line(line) && line.trim() !== '') last = line.trim()
    })
    child.on('exit', (code) => {
      if (this.child === child) {
        this.child = undefined
        this.counting = ''
        if (!this.stopped) this.problem = `perf stat exited ${code ?? 'on a signal'}${last ? `: ${last}` : ''}`
      }
    })
  }

  /** One CSV line: time,CPU<n>,count,unit,event,cgroup,run time,percent running,… */
  private line(line: string): boolean {
    const f = line.trim().split(',')
    if (f.length < 8 || !/^CPU\d+$/.test(f[1]!)) return false
    const [, cpuField, count, , event, cgroupField, , pct] = f as [string, string, string, string, string, string, string, string]
    const cgroup = cgroupField === '/' ? '/' : `/${cgroupField}`
    if (!this.wanted.has(cgroup)) return true
    const name = this.eventNames.get(event) ?? event
    const cpu = Number(cpuField.slice(3))
    let per = this.totals.get(cgroup)
    if (!per) this.totals.set(cgroup, (per = new Map()))
    const k = `${name}\0${cpu}`
    let c = per.get(k)
    if (!c) per.set(k, (c = {event: name, cpu, total: 0, ratio: 1}))
    // `<not counted>` (no task of the cgroup ran on that CPU) adds nothing; `<not supported>` neither.
    if (/^\d+$/.test(count)) c.total += Number(count)
    const p = Number(pct)
    if (pct !== '' && Number.isFinite(p)) c.ratio = p / 100
    this.problem = undefined
    return true
  }

  private stopChild(): void {
    const child = this.child
    this.child = undefined
    if (!child) return
    child.stdin?.end()
    child.kill('SIGTERM')
  }

  stop(): void {
    this.stopped = true
    clearInterval(this.forgetTimer)
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.stopChild()
  }
}

let shared: {file: string; counter: PerfCounter} | undefined

/** The process's one counter for a configuration (a new configuration stops the old one). */
export function sharedPerfCounter(file: string, events: readonly PerfEvent[]): PerfCounter {
  if (shared?.file !== file) {
    shared?.counter.stop()
    shared = {file, counter: new PerfCounter(events)}
  }
  return shared.counter
}

/** Stops the shared counter (tests; a process exit needs nothing: perf ends with its pipe). */
export function stopSharedPerfCounter(): void {
  shared?.counter.stop()
  shared = undefined
}
