/*
 * Where OOM events come from. The kernel log first: it names the process, its pid and both
 * cgroups, within 100 ms. When /dev/kmsg cannot be read (no device in a container, EPERM with
 * kernel.dmesg_restrict for a user) the kernel's per-cgroup `oom_kill` counters are read every
 * second instead, and each increase becomes the same two events without pid or process name.
 * Exactly one of the two feeds events, so a kill is never reported twice; which one is said
 * once on stderr. The counter family (container_oom_events_total) reads the same counters
 * through the memory reader and never adds these events to them.
 */
import type {CgroupLayout} from '../cgroups/index.js'
import type {ContainerName} from '../model/index.js'
import {readOomKillCount} from '../stats/index.js'
import {KmsgFollower} from './kmsg-follower.js'
import {eventsOfOom, type MonitorEvent} from './types.js'

export interface OomMonitorOptions {
  layout: CgroupLayout
  /** The containers whose counters the fallback reads. */
  names: () => Iterable<ContainerName>
  onEvent: (e: MonitorEvent) => void
  /** Which source is used when it is not the kernel log, and why; called at most once. */
  onWarning: (message: string) => void
  kmsgPath?: string
  kmsgPollMs?: number
  counterIntervalMs?: number
}

export type OomSource = 'kmsg' | 'cgroup' | 'none'

const DEFAULT_COUNTER_INTERVAL_MS = 1000

export class OomMonitor {
  private kmsg: KmsgFollower | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly counters = new Map<ContainerName, number>()
  private readonly logged = new Map<ContainerName, number>()
  private current: OomSource = 'none'
  private startedMs = 0

  constructor(private readonly options: OomMonitorOptions) {}

  /** Where OOM events come from now. */
  get source(): OomSource {
    return this.current
  }

  /** OOM kills the kernel log reported in this cgroup since cadv started (cAdvisor's count). */
  loggedKills(name: ContainerName): number | undefined {
    return this.logged.get(name)
  }

  start(): void {
    this.startedMs = Date.now()
    const kmsg = new KmsgFollower({
      path: this.options.kmsgPath,
      pollMs: this.options.kmsgPollMs,
      onOom: (oom, timeMs) => {
        this.logged.set(oom.containerName, (this.logged.get(oom.containerName) ?? 0) + 1)
        for (const e of eventsOfOom(oom, timeMs)) this.options.onEvent(e)
      },
      onError: (why) => this.fallBack(why),
    })
    const why = kmsg.start()
    if (why === undefined) {
      this.kmsg = kmsg
      this.current = 'kmsg'
    } else {
      this.fallBack(why)
    }
  }

  /**
   * A container cadv began to track. With the counters, its starting point is set now rather
   * than at the next pass, so a kill right after the add is not taken for the baseline: a
   * container created since start() starts from 0 (every kill is news, those while its runtime
   * was being asked too), one that was there before from its current count (its kills before
   * cadv are not news). `createdMs`: when it was created, if known.
   */
  added(name: ContainerName, createdMs: number | undefined): void {
    if (this.current !== 'cgroup' || this.counters.has(name)) return
    const count = createdMs !== undefined && createdMs >= this.startedMs ? 0 : readOomKillCount(this.options.layout, name)?.kills
    if (count !== undefined) this.counters.set(name, count)
  }

  stop(): void {
    this.kmsg?.stop()
    this.kmsg = undefined
    clearInterval(this.timer)
    this.timer = undefined
  }

  private fallBack(why: string): void {
    this.kmsg = undefined
    const {layout} = this.options
    const memory = layout.hierarchies.find((h) => h.controllers.includes('memory') || (layout.mode === 'v2' && h.version === 2))
    // v1 keeps the counter from Linux 4.13 (the root has it too); v2 has it in every non-root cgroup.
    const counted = memory !== undefined && (memory.version === 2 || readOomKillCount(layout, '/') !== undefined)
    if (!counted) {
      this.current = 'none'
      this.options.onWarning(`${why}, and this kernel keeps no oom_kill counter: OOM kills are not seen`)
      return
    }
    this.current = 'cgroup'
    const every = this.options.counterIntervalMs ?? DEFAULT_COUNTER_INTERVAL_MS
    this.options.onWarning(
      `${why}; OOM events come from the cgroups' oom_kill counters instead, read every ${every / 1000}s, without pid or process name`,
    )
    this.readCounters(false)
    this.timer = setInterval(() => this.readCounters(true), every)
    this.timer.unref()
  }

  /** One pass over the counters; increases become events (not on the first pass: that is the baseline). */
  private readCounters(announce: boolean): void {
    const seen = new Set<ContainerName>()
    const now = Date.now()
    for (const name of this.options.names()) {
      seen.add(name)
      const count = readOomKillCount(this.options.layout, name)?.kills
      if (count === undefined) continue
      const before = this.counters.get(name)
      this.counters.set(name, count)
      // A container first seen here (no added() call) starts from its current count.
      if (before === undefined || !announce || count <= before) continue
      for (let i = before; i < count; i++) {
        const oom = {containerName: name, victimContainerName: name, pid: 0, processName: '', constraint: '', usec: 0}
        for (const e of eventsOfOom(oom, now, 'cgroup')) this.options.onEvent(e)
      }
    }
    for (const name of this.counters.keys()) if (!seen.has(name)) this.counters.delete(name)
  }
}
