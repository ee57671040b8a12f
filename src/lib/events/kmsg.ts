/*
 * The kernel log's OOM reports, parsed the way cAdvisor's OOM reader parses them: one
 * /dev/kmsg record at a time, an "invoked oom-killer" record opens a report, and either the
 * one-line summary of newer kernels (`oom-kill:constraint=…,oom_memcg=…,task_memcg=…`) or the
 * legacy `Task in … killed as a result of limit of …` plus `Killed process N (comm)` closes it.
 * Pure functions and a small state machine; reading the device is kmsg-follower.ts.
 */
import {posix} from 'node:path'

/** One /dev/kmsg record: `<prio>,<seq>,<usec>,<flags>[,…];<message>`. */
export interface KmsgRecord {
  priority: number
  seq: number
  /** Microseconds since boot (the kernel's monotonic log clock). */
  usec: number
  /** Everything after the first `;`, continuation lines included. */
  message: string
}

/** One OOM kill as the kernel reported it (cAdvisor's OomInstance). */
export interface OomInstance {
  /** The killed task's cgroup (`task_memcg`; legacy: the `Task in` path); `/` for a global OOM. */
  containerName: string
  /** The cgroup whose limit was hit (`oom_memcg`; legacy: the `limit of` path). */
  victimContainerName: string
  pid: number
  processName: string
  /** CONSTRAINT_MEMCG and friends; empty in the legacy form and for a global OOM. */
  constraint: string
  /** usec of the record that completed the report. */
  usec: number
}

const INTEGER = /^[+-]?\d+$/

/** Parses one record; undefined when its header is not `prio,seq,usec,…;` (cAdvisor skips those). */
export function parseKmsgRecord(text: string): KmsgRecord | undefined {
  const semi = text.indexOf(';')
  if (semi < 0) return undefined
  const fields = text.slice(0, semi).split(',')
  if (fields.length < 3) return undefined
  const [p, s, u] = fields as [string, string, string]
  if (!INTEGER.test(p) || !INTEGER.test(s) || !INTEGER.test(u)) return undefined
  return {priority: Number(p), seq: Number(s), usec: Number(u), message: text.slice(semi + 1)}
}

// The four expressions of cAdvisor's parser; `.` stops at a newline in both Go and JavaScript,
// so captures end with the record's first line.
const START = /invoked oom-killer:/
const SUMMARY =
  /oom-kill:constraint=(.*),nodemask=(.*),cpuset=(.*),mems_allowed=(.*),oom_memcg=(.*),task_memcg=(.*),task=(.*),pid=(.*),uid=(.*)/
const LEGACY_CONTAINER = /Task in (.*) killed as a result of limit of (.*)/
const KILLED = /Killed process ([0-9]+) \((.+)\)/

/** Go's path.Join("/", p): rooted, cleaned, no trailing slash. */
function rooted(p: string): string {
  const joined = posix.normalize(posix.join('/', p))
  return joined.length > 1 ? joined.replace(/\/+$/, '') : joined
}

/**
 * Feeds records in order; push() returns an instance when a record completes a report. A second
 * "invoked oom-killer" while a report is open changes nothing, as in cAdvisor.
 */
export class OomParser {
  private open: OomInstance | undefined

  push(record: KmsgRecord): OomInstance | undefined {
    const msg = record.message
    const current = this.open
    if (!current) {
      if (START.test(msg))
        this.open = {containerName: '/', victimContainerName: '/', pid: 0, processName: '', constraint: '', usec: record.usec}
      return undefined
    }
    const summary = SUMMARY.exec(msg)
    if (summary) {
      const pid = summary[8]!
      // A pid that is not a number leaves the report open (cAdvisor logs it and reads on).
      if (!INTEGER.test(pid)) return undefined
      return this.complete({
        ...current,
        constraint: summary[1]!,
        victimContainerName: summary[5]!,
        containerName: summary[6]!,
        processName: summary[7]!,
        pid: Number(pid),
        usec: record.usec,
      })
    }
    const legacy = LEGACY_CONTAINER.exec(msg)
    if (legacy) {
      current.containerName = rooted(legacy[1]!)
      current.victimContainerName = rooted(legacy[2]!)
    }
    const killed = KILLED.exec(msg)
    if (killed) return this.complete({...current, pid: Number(killed[1]), processName: killed[2]!, usec: record.usec})
    return undefined
  }

  private complete(instance: OomInstance): OomInstance {
    this.open = undefined
    return instance
  }
}
