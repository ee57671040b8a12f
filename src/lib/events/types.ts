/*
 * cadv's container events with cAdvisor's four types: a container was created or deleted, a
 * cgroup ran out of memory (`oom`, on the killed task's cgroup) and a process was killed for it
 * (`oomKill`, on the cgroup whose limit was hit). The event store keeps them, the REST API
 * serves them in cAdvisor's JSON shape and `cadv watch` prints the OOM ones.
 */
import type {ContainerName} from '../model/index.js'
import type {OomInstance} from './kmsg.js'

export const EVENT_TYPES = ['oom', 'oomKill', 'containerCreation', 'containerDeletion'] as const
export type EventType = (typeof EVENT_TYPES)[number]

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s)
}

/** Where an event came from: the kernel log, a cgroup's OOM counter, or the container manager. */
export type EventSource = 'kmsg' | 'cgroup' | 'manager'

export interface OomDetails {
  /** 0 when only a counter saw the kill. */
  pid: number
  /** Empty when only a counter saw the kill. */
  process: string
  constraint: string
}

export interface MonitorEvent {
  type: EventType
  name: ContainerName
  /** ms since the epoch; the fraction carries microseconds when the source has them. */
  timeMs: number
  source: EventSource
  /** oom and oomKill: the killed process (cAdvisor's API shows it on oomKill only). */
  oom?: OomDetails
  /** containerDeletion only: the exit code, -1 when unknown (always, today). */
  exitCode?: number
}

/** The two events cAdvisor makes of one OOM report, in its order: `oom`, then `oomKill`. */
export function eventsOfOom(oom: OomInstance, timeMs: number, source: EventSource = 'kmsg'): [MonitorEvent, MonitorEvent] {
  const details: OomDetails = {pid: oom.pid, process: oom.processName, constraint: oom.constraint}
  return [
    {type: 'oom', name: oom.containerName, timeMs, source, oom: details},
    {type: 'oomKill', name: oom.victimContainerName, timeMs, source, oom: details},
  ]
}
