/*
 * How long and how many events of each type are kept: cAdvisor's --event_storage_age_limit
 * and --event_storage_event_limit, written `default=24h,oom=72h` and `default=100000,oom=10`.
 * A key is an event type or `default`; types not named take the default. A limit of 0 stores
 * nothing of that type (streams still get the events).
 */
import {parseDuration} from '../util/index.js'
import {EVENT_TYPES, isEventType, type EventType} from './types.js'

export interface EventLimits {
  maxAgeMs: Record<EventType, number>
  maxEvents: Record<EventType, number>
}

export const DEFAULT_EVENT_AGE = 'default=24h'
export const DEFAULT_EVENT_COUNT = 'default=100000'

/** A limit the user must fix: one line, exit 2. */
export class EventLimitError extends Error {
  readonly exitCode = 2
}

function parsePolicy(flag: string, text: string, parse: (value: string) => number): Record<EventType, number> {
  const perType = new Map<EventType, number>()
  let fallback: number | undefined
  for (const raw of text.split(',')) {
    const item = raw.trim()
    if (item === '') continue
    const eq = item.indexOf('=')
    if (eq < 0) throw new EventLimitError(`${flag} "${item}": expected <type>=<value> (e.g. default=24h,oom=72h)`)
    const key = item.slice(0, eq).trim()
    let value: number
    try {
      value = parse(item.slice(eq + 1).trim())
    } catch (err) {
      throw new EventLimitError(`${flag} "${item}": ${(err as Error).message}`)
    }
    if (key === 'default') fallback = value
    else if (isEventType(key)) perType.set(key, value)
    else throw new EventLimitError(`${flag} "${item}": unknown event type "${key}" (${[...EVENT_TYPES, 'default'].join(', ')})`)
  }
  return Object.fromEntries(EVENT_TYPES.map((t) => [t, perType.get(t) ?? fallback])) as Record<EventType, number>
}

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`"${value}" is not a whole number`)
  return Number(value)
}

/** Both flags' values (cAdvisor's syntax); unspecified types keep cAdvisor's defaults, 24h and 100000. */
export function parseEventLimits(age = DEFAULT_EVENT_AGE, events = DEFAULT_EVENT_COUNT): EventLimits {
  const ages = parsePolicy('--event-storage-age-limit', `${DEFAULT_EVENT_AGE},${age}`, (v) => parseDuration(v))
  const counts = parsePolicy('--event-storage-event-limit', `${DEFAULT_EVENT_COUNT},${events}`, count)
  return {maxAgeMs: ages, maxEvents: counts}
}
