/*
 * cAdvisor's events API: /api/v1.3/events[/<container>] and /api/v2.x/events[/<container>],
 * as an array of the most recent matching events, or with stream=true as a long-lived response
 * that writes each matching event as one JSON line the moment it is added. cAdvisor ignores
 * parameters it cannot parse; here a malformed value, an unknown *_events type, or a
 * max_events beyond the store's reach is a 400 with one JSON error, so a typo does not
 * silently return nothing.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import {EVENT_TYPES, type EventQuery, type EventStore, type EventType, type MonitorEvent} from '../events/index.js'
import type {ContainerName} from '../model/index.js'
import {badRequest, encodeJson, parseRfc3339, rfc3339, sendApiJson} from './api-encoding.js'

/** The query parameter of each event type, cAdvisor's names. */
const TYPE_PARAMS: Record<string, EventType> = {
  oom_events: 'oom',
  oom_kill_events: 'oomKill',
  creation_events: 'containerCreation',
  deletion_events: 'containerDeletion',
}

/** More than any store can hold with cAdvisor's default limits (4 types × 100,000). */
export const MAX_EVENTS_LIMIT = 1_000_000
const DEFAULT_MAX_EVENTS = 10
/** Unsent bytes a stream may pile up for a client that does not read. */
const MAX_STREAM_BACKLOG = 1024 * 1024

/** Go's strconv.ParseBool. */
export function parseGoBool(name: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  throw badRequest(`${name}: "${value}" is not a boolean (true, false, 1, 0)`)
}

export interface EventRequest {
  stream: boolean
  query: EventQuery
}

/** The request's parameters (first value of each, as Go's url.Values.Get). */
export function parseEventRequest(name: ContainerName, params: URLSearchParams): EventRequest {
  const flag = (key: string): boolean => {
    const v = params.get(key)
    return v === null ? false : parseGoBool(key, v)
  }
  for (const key of params.keys()) {
    if (key.endsWith('_events') && key !== 'all_events' && key !== 'max_events' && !(key in TYPE_PARAMS))
      throw badRequest(`unknown event type "${key}" (${[...Object.keys(TYPE_PARAMS), 'all_events'].join(', ')})`)
  }
  const types = new Set<EventType>(flag('all_events') ? EVENT_TYPES : [])
  for (const [key, type] of Object.entries(TYPE_PARAMS)) if (flag(key)) types.add(type)
  let maxEvents = DEFAULT_MAX_EVENTS
  const max = params.get('max_events')
  if (max !== null) {
    if (!/^-?\d+$/.test(max)) throw badRequest(`max_events: "${max}" is not an integer`)
    maxEvents = Number(max)
    if (maxEvents < -1 || maxEvents > MAX_EVENTS_LIMIT)
      throw badRequest(`max_events must be between -1 (all) and ${MAX_EVENTS_LIMIT}, not ${max}`)
  }
  const time = (key: string): number | undefined => {
    const v = params.get(key)
    if (v === null) return undefined
    const ms = parseRfc3339(v)
    if (ms === undefined) throw badRequest(`${key}: "${v}" is not an RFC 3339 time (2026-12-01T10:00:00Z)`)
    return ms
  }
  const startMs = time('start_time')
  const endMs = time('end_time')
  const stream = flag('stream')
  if (stream && (startMs !== undefined || endMs !== undefined)) throw badRequest('start_time and end_time cannot be used with stream=true')
  if (startMs !== undefined && endMs !== undefined && startMs > endMs) throw badRequest('start_time is after end_time')
  const query: EventQuery = {types, name, subcontainers: flag('subcontainers'), maxEvents}
  if (startMs !== undefined) query.startMs = startMs
  if (endMs !== undefined) query.endMs = endMs
  return {stream, query}
}

/** One event in cAdvisor's JSON (info/v1 Event). */
export function eventJson(e: MonitorEvent): Record<string, unknown> {
  const data: Record<string, unknown> = {}
  // cAdvisor's oom event carries no data; the process is on oomKill.
  if (e.type === 'oomKill' && e.oom) data.oom = {pid: e.oom.pid, process_name: e.oom.process, constraint: e.oom.constraint}
  if (e.type === 'containerDeletion') data.container_deletion = {exit_code: e.exitCode ?? -1}
  return {container_name: e.name, timestamp: rfc3339(e.timeMs), event_type: e.type, event_data: data}
}

/** Answers an events request: the array, or the stream until the client goes. */
export function serveEvents(req: IncomingMessage, res: ServerResponse, store: EventStore, request: EventRequest): void {
  if (!request.stream) {
    sendApiJson(res, request.query.types.size === 0 ? [] : store.query(request.query).map(eventJson))
    return
  }
  // A stream may be quiet for hours: no idle timeout on this response.
  req.socket.setTimeout(0)
  res.writeHead(200, {'Content-Type': 'application/json', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff'})
  // Headers out at once, so a client knows the stream is open before the first event.
  res.flushHeaders()
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  const unsubscribe = store.subscribe(request.query, (e) => {
    if (res.writableEnded) return
    // A client that stopped reading is let go rather than buffered for without end.
    if (res.writableLength > MAX_STREAM_BACKLOG) res.destroy()
    else res.write(`${encodeJson(eventJson(e))}\n`)
  })
  res.once('close', unsubscribe)
}
