/*
 * The event store of `cadv serve`: one time-ordered list per event type, bounded by that type's
 * age and count limits, and the live subscribers of `stream=true`. Queries filter first and then
 * take the most recent `maxEvents`, so asking for one container's last 10 events gives its last
 * 10 (cAdvisor trims each type's list before filtering by container, and can return fewer).
 * Age is measured from now, so an old event leaves even when no newer one arrives.
 */
import {EventEmitter} from 'node:events'

import type {ContainerName} from '../model/index.js'
import type {EventLimits} from './limits.js'
import {EVENT_TYPES, type EventType, type MonitorEvent} from './types.js'

export interface EventFilter {
  types: ReadonlySet<EventType>
  /** The container asked about; `/` with subcontainers is every container. */
  name: ContainerName
  /** Events of containers below `name` too. */
  subcontainers: boolean
}

export interface EventQuery extends EventFilter {
  /** The most recent N; -1 for all. */
  maxEvents: number
  /** Inclusive bounds, ms since the epoch. */
  startMs?: number
  endMs?: number
}

export function matchesFilter(e: MonitorEvent, f: EventFilter): boolean {
  if (!f.types.has(e.type)) return false
  if (e.name === f.name) return true
  if (!f.subcontainers) return false
  return f.name === '/' || e.name.startsWith(`${f.name}/`)
}

/** One type's events, oldest first; appended in order, sorted lazily when one arrives out of order. */
class TypeList {
  private items: MonitorEvent[] = []
  private sorted = true

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEvents: number,
  ) {}

  get size(): number {
    return this.items.length
  }

  add(e: MonitorEvent, nowMs: number): void {
    if (this.maxEvents === 0 || nowMs - e.timeMs > this.maxAgeMs) return
    const last = this.items.at(-1)
    if (last && last.timeMs > e.timeMs) this.sorted = false
    this.items.push(e)
    // Trim in batches so a full list does not shift its array on every add.
    if (this.items.length > this.maxEvents + Math.max(16, this.maxEvents >> 4)) this.trim(nowMs)
  }

  /** Every event still within the limits, oldest first. */
  all(nowMs: number): readonly MonitorEvent[] {
    this.trim(nowMs)
    return this.items
  }

  private trim(nowMs: number): void {
    if (!this.sorted) {
      this.items.sort((a, b) => a.timeMs - b.timeMs)
      this.sorted = true
    }
    let drop = Math.max(0, this.items.length - this.maxEvents)
    const cutoff = nowMs - this.maxAgeMs
    while (drop < this.items.length && this.items[drop]!.timeMs < cutoff) drop++
    if (drop > 0) this.items = this.items.slice(drop)
  }
}

export interface EventStoreEvents {
  event: [MonitorEvent]
}

export class EventStore extends EventEmitter<EventStoreEvents> {
  private readonly lists: Record<EventType, TypeList>

  constructor(
    limits: EventLimits,
    private readonly now: () => number = Date.now,
  ) {
    super()
    // One listener per stream=true request; there can be many.
    this.setMaxListeners(0)
    this.lists = Object.fromEntries(EVENT_TYPES.map((t) => [t, new TypeList(limits.maxAgeMs[t], limits.maxEvents[t])])) as Record<
      EventType,
      TypeList
    >
  }

  add(e: MonitorEvent): void {
    this.lists[e.type].add(e, this.now())
    this.emit('event', e)
  }

  /** Stored events per type (for self-metrics and tests). */
  sizes(): Record<EventType, number> {
    return Object.fromEntries(EVENT_TYPES.map((t) => [t, this.lists[t].size])) as Record<EventType, number>
  }

  /** The most recent `maxEvents` events that match, oldest first. */
  query(q: EventQuery): MonitorEvent[] {
    if (q.maxEvents === 0) return []
    const now = this.now()
    const start = q.startMs ?? -Infinity
    const end = q.endMs ?? Infinity
    const out: MonitorEvent[] = []
    for (const t of q.types) {
      for (const e of this.lists[t].all(now)) if (e.timeMs >= start && e.timeMs <= end && matchesFilter(e, q)) out.push(e)
    }
    out.sort((a, b) => a.timeMs - b.timeMs)
    return q.maxEvents < 0 || out.length <= q.maxEvents ? out : out.slice(out.length - q.maxEvents)
  }

  /** Calls `listener` with each matching event from now on; returns the unsubscribe. */
  subscribe(filter: EventFilter, listener: (e: MonitorEvent) => void): () => void {
    const on = (e: MonitorEvent): void => {
      if (matchesFilter(e, filter)) listener(e)
    }
    this.on('event', on)
    return () => this.off('event', on)
  }
}
