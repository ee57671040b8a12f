import {performance} from 'node:perf_hooks'

import type {ContainerName} from './names.js'

export type ContainerEventType = 'ContainerAdd' | 'ContainerDelete'

/** The ContainerEvent contract (docs/ARCHITECTURE.md): one NDJSON line per event from `cadv watch`. */
export interface ContainerEvent {
  type: ContainerEventType
  name: ContainerName
  /** RFC 3339 with milliseconds. */
  time: string
  /** Unix time in nanoseconds; a number, so it is exact to about 250 ns. */
  timeNano: number
  source: 'raw'
  /** True for containers listed at start-up rather than seen appearing. */
  initial: boolean
  factory?: string
  id?: string
  alias?: string
  image?: string
  labels?: Record<string, string>
}

export function makeEvent(type: ContainerEventType, name: ContainerName, initial: boolean, at?: Date): ContainerEvent {
  // Without an explicit time, take the sub-millisecond clock so timeNano is worth its name.
  const ms = at ? at.getTime() : performance.timeOrigin + performance.now()
  return {type, name, time: new Date(ms).toISOString(), timeNano: Math.round(ms * 1e6), source: 'raw', initial}
}
