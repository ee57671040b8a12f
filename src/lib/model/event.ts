import {performance} from 'node:perf_hooks'

import type {ContainerName} from './names.js'

/**
 * A container appeared or went (the watcher), or a cgroup hit its memory limit: `OOM` on the
 * killed task's cgroup, `OOMKill` on the cgroup whose limit was hit (cAdvisor's `oom` and
 * `oomKill`; both name the same cgroup when a container hits its own limit).
 */
export type ContainerEventType = 'ContainerAdd' | 'ContainerDelete' | 'OOM' | 'OOMKill'

export const CONTAINER_EVENT_TYPES: readonly ContainerEventType[] = ['ContainerAdd', 'ContainerDelete', 'OOM', 'OOMKill']

/**
 * Where a line came from: `raw` the cgroup watcher, `kmsg` the kernel log, `cgroup` a cgroup's
 * oom_kill counter (used when the kernel log cannot be read; no pid or process then).
 */
export type ContainerEventSource = 'raw' | 'kmsg' | 'cgroup'

/** The ContainerEvent contract (docs/ARCHITECTURE.md): one NDJSON line per event from `cadv watch`. */
export interface ContainerEvent {
  type: ContainerEventType
  name: ContainerName
  /** RFC 3339 with milliseconds. */
  time: string
  /** Unix time in nanoseconds; a number, so it is exact to about 250 ns. */
  timeNano: number
  source: ContainerEventSource
  /** True for containers listed at start-up rather than seen appearing. */
  initial: boolean
  /** OOM lines from the kernel log: the killed process, and the kernel's constraint (CONSTRAINT_MEMCG…). */
  pid?: number
  process?: string
  constraint?: string
  factory?: string
  id?: string
  alias?: string
  image?: string
  labels?: Record<string, string>
}

/** The last RFC 3339 time made, by its millisecond: a listing makes thousands within a few. */
let lastMs = NaN
let lastIso = ''

/** `new Date(ms).toISOString()`, which drops the fraction of a millisecond: once per millisecond. */
function isoTime(ms: number): string {
  const whole = Math.trunc(ms)
  if (whole !== lastMs) {
    lastIso = new Date(whole).toISOString()
    lastMs = whole
  }
  return lastIso
}

export function makeEvent(type: ContainerEventType, name: ContainerName, initial: boolean, at?: Date): ContainerEvent {
  // Without an explicit time, take the sub-millisecond clock so timeNano is worth its name.
  const ms = at ? at.getTime() : performance.timeOrigin + performance.now()
  return {type, name, time: isoTime(ms), timeNano: Math.round(ms * 1e6), source: 'raw', initial}
}

/** An OOM line; `timeMs` may carry microseconds. */
export function makeOomEvent(
  type: 'OOM' | 'OOMKill',
  name: ContainerName,
  timeMs: number,
  source: 'kmsg' | 'cgroup',
  details?: {pid: number; process: string; constraint: string},
): ContainerEvent {
  const e: ContainerEvent = {type, name, time: new Date(timeMs).toISOString(), timeNano: Math.round(timeMs * 1e6), source, initial: false}
  if (details) {
    e.pid = details.pid
    e.process = details.process
    if (details.constraint !== '') e.constraint = details.constraint
  }
  return e
}
