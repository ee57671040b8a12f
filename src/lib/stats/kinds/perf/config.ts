import {readdirSync, readFileSync} from 'node:fs'

/*
 * cAdvisor's --perf_events_config file, turned into perf(1) event specifications. Its shape:
 * `{"core": {"events": [...], "custom_events": [...]}, "uncore": {...}}` (the older shape has
 * `events` and `custom_events` at the top); an entry of `events` is a name or a list of names
 * (a group); a custom event is `{"type": <perf_event_attr.type>, "config": ["0x…", …], "name"}`.
 */

export class PerfConfigError extends Error {
  readonly exitCode = 2
  constructor(file: string, reason: string) {
    super(`--perf-events-config ${file}: ${reason}`)
    this.name = 'PerfConfigError'
  }
}

/** One event to count: the name its series carry, and how perf(1) is told about it. */
export interface PerfEvent {
  name: string
  spec: string
}

export interface PerfConfig {
  file: string
  core: PerfEvent[]
  /** Uncore events named in the file (counted by no one: cadv says so at start). */
  uncore: string[]
}

interface RawEvents {
  events?: unknown
  custom_events?: unknown
}

/** PMU names by their perf_event_attr type number (/sys/bus/event_source/devices/<pmu>/type). */
function pmusByType(sysRoot: string): Map<number, string> {
  const out = new Map<number, string>()
  const base = `${sysRoot}/bus/event_source/devices`
  let names: string[] = []
  try {
    names = readdirSync(base)
  } catch {
    return out
  }
  for (const pmu of names) {
    try {
      out.set(Number(readFileSync(`${base}/${pmu}/type`, 'utf8').trim()), pmu)
    } catch {
      // a PMU without a type file is of no use here
    }
  }
  return out
}

const NAME = /^[A-Za-z0-9_.:-]+$/
/** A named event perf(1) takes: its list's names, `pmu/…/` terms and raw `rNNNN` codes. */
const SPEC = /^[A-Za-z0-9_.:/=,-]+$/

function names(file: string, raw: unknown): string[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw)) throw new PerfConfigError(file, '"events" is not a list')
  return raw
    .flatMap((g: unknown) => (Array.isArray(g) ? g : [g]))
    .map((n: unknown) => {
      if (typeof n !== 'string' || !SPEC.test(n)) throw new PerfConfigError(file, `event ${JSON.stringify(n)} is not an event name`)
      return n
    })
}

function customs(file: string, raw: unknown, sysRoot: string): Map<string, string> {
  const out = new Map<string, string>()
  if (raw === undefined) return out
  if (!Array.isArray(raw)) throw new PerfConfigError(file, '"custom_events" is not a list')
  const pmus = pmusByType(sysRoot)
  for (const c of raw.flat() as unknown[]) {
    const e = c as {type?: unknown; config?: unknown; name?: unknown}
    if (typeof e.name !== 'string' || !NAME.test(e.name)) throw new PerfConfigError(file, `a custom event has no usable name`)
    if (typeof e.type !== 'number') throw new PerfConfigError(file, `custom event ${e.name}: "type" is not a number`)
    const pmu = pmus.get(e.type)
    if (pmu === undefined) throw new PerfConfigError(file, `custom event ${e.name}: no PMU of type ${e.type} on this machine`)
    if (!Array.isArray(e.config) || e.config.length === 0 || e.config.length > 3)
      throw new PerfConfigError(file, `custom event ${e.name}: "config" must hold 1 to 3 numbers`)
    const terms = (e.config as unknown[]).map((v, i) => {
      if (typeof v !== 'string' || !/^(0x[0-9a-fA-F]+|\d+)$/.test(v))
        throw new PerfConfigError(file, `custom event ${e.name}: config ${JSON.stringify(v)}`)
      return `config${i === 0 ? '' : i}=${v}`
    })
    out.set(e.name, `${pmu}/${terms.join(',')},name=${e.name}/`)
  }
  return out
}

/** Parses the file's text; throws PerfConfigError (exit 2) with the reason. */
export function parsePerfConfig(file: string, text: string, sysRoot: string): PerfConfig {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new PerfConfigError(file, `not JSON (${(err as Error).message})`)
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new PerfConfigError(file, 'not a JSON object')
  const top = doc as RawEvents & {core?: RawEvents; uncore?: RawEvents}
  const core = top.core ?? top
  const custom = customs(file, core.custom_events, sysRoot)
  const events = names(file, core.events).map((n) => ({name: n, spec: custom.get(n) ?? n}))
  const seen = new Set<string>()
  const unique = events.filter((e) => !seen.has(e.name) && seen.add(e.name))
  return {file, core: unique, uncore: top.uncore ? names(file, top.uncore.events) : []}
}

export function readPerfConfig(file: string, sysRoot: string): PerfConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new PerfConfigError(file, (err as NodeJS.ErrnoException).code ?? String(err))
  }
  return parsePerfConfig(file, text, sysRoot)
}
