/*
 * A container's recent events (its own and its subcontainers'): creations, deletions and OOM
 * kills, from cAdvisor's REST API (/api/v2.0/events/<name>). Shown only when there are some.
 */
import {encodeName, getJson, HttpError, pageOf, Poller} from './api.js'
import {h} from './dom.js'
import {clock, shown} from './format.js'
import type {StatusLine} from './status.js'
import {SortableTable, type Column} from './table.js'

/** One event in cAdvisor's JSON (info/v1 Event). */
export interface EventJson {
  container_name: string
  timestamp: string
  event_type: string
  event_data: {oom?: {pid: number; process_name: string; constraint?: string}; container_deletion?: {exit_code: number}}
}

const TYPES: Record<string, string> = {
  containerCreation: 'created',
  containerDeletion: 'deleted',
  oom: 'out of memory',
  oomKill: 'OOM kill',
}

/** The most a page lists. */
const MAX_EVENTS = 50

function details(e: EventJson): string {
  const oom = e.event_data.oom
  if (oom) return `killed ${shown(oom.process_name)} (pid ${oom.pid})${oom.constraint ? `, ${oom.constraint}` : ''}`
  return ''
}

const COLUMNS: Column<EventJson>[] = [
  {
    id: 'time',
    label: 'Time',
    sort: (e) => e.timestamp,
    text: (e) => clock(Date.parse(e.timestamp)),
    cellTitle: (e) => e.timestamp,
  },
  {id: 'type', label: 'Event', sort: (e) => e.event_type, text: (e) => TYPES[e.event_type] ?? e.event_type},
  {
    id: 'container',
    label: 'Container',
    sort: (e) => e.container_name,
    text: (e) => shown(e.container_name),
    href: (e) => pageOf(e.container_name),
  },
  {id: 'details', label: 'Details', text: details},
]

export function eventSection(name: string, status: StatusLine, intervalMs: number): {el: HTMLElement; poller: Poller} {
  const table = new SortableTable<EventJson>(COLUMNS, {
    key: (e) => `${e.timestamp} ${e.event_type} ${e.container_name}`,
    caption: 'Recent events',
    sort: {column: 'time', descending: true},
  })
  const el = h(
    'section',
    {class: 'card wide', id: 'events', hidden: true},
    h('h2', {}, 'Recent events'),
    h('div', {class: 'scroll'}, table.el),
  )
  const poller = new Poller(
    async () => {
      let events: EventJson[]
      try {
        events = await getJson<EventJson[]>(
          `api/v2.0/events${encodeName(name)}?all_events=true&subcontainers=true&max_events=${MAX_EVENTS}`,
        )
      } catch (err) {
        // A server that keeps no events, or a container that is gone: nothing to show.
        if (err instanceof HttpError && err.status === 404) return
        status.problem('events', err)
        throw err
      }
      status.ok('events')
      el.hidden = events.length === 0
      table.update(events)
    },
    Math.max(5000, intervalMs),
  )
  return {el, poller}
}
