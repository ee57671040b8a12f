/*
 * The one duration syntax of every cadv flag and config value: Go's time.ParseDuration (what
 * cAdvisor's flags take). No oclif here, so the fast `cadv resolve` path and the web config
 * reader use it without loading the CLI framework; the oclif flag is in cli/duration.ts.
 */
/** A duration flag value the user must fix: one line, exit 2. */
export class DurationError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'DurationError'
  }
}

// Go's time.ParseDuration units (cAdvisor's flags are Go durations), in milliseconds.
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y

export interface DurationLimits {
  /** Smallest accepted value in ms (inclusive); default 0. */
  minMs?: number
  /** Largest accepted value in ms (inclusive). */
  maxMs?: number
}

/** Formats milliseconds the way users write them back (`1500` → `1.5s`, `60000` → `1m`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s'
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms >= 1000) return `${ms / 1000}s`
  if (ms >= 1) return `${ms}ms`
  return `${Math.round(ms * 1000)}us`
}

/**
 * Parses a duration such as `60s`, `500ms`, `1m30s` or `1.5h` into milliseconds, with the
 * syntax of Go's time.ParseDuration (what cAdvisor's flags take): a sequence of decimal
 * numbers each with a unit (ns, us, µs, ms, s, m, h). `0` alone is zero; any other number
 * needs a unit, because `--interval 1` is ambiguous (1 s? 1 ms?). Negative values are refused.
 */
export function parseDuration(text: string, limits: DurationLimits = {}): number {
  const s = text.trim()
  const bad = (why: string): DurationError => new DurationError(`invalid duration "${text}": ${why}`)
  if (s === '') throw bad('empty (examples: 500ms, 10s, 1m30s)')
  if (s.startsWith('-')) throw bad('negative durations are not allowed')
  let ms = 0
  if (s === '0' || s === '+0') {
    ms = 0
  } else {
    const body = s.startsWith('+') ? s.slice(1) : s
    PART.lastIndex = 0
    let pos = 0
    while (pos < body.length) {
      PART.lastIndex = pos
      const m = PART.exec(body)
      if (!m) {
        if (/^\d+(\.\d*)?$/.test(body.slice(pos))) throw bad('missing unit (ns, us, ms, s, m, h), e.g. 10s')
        throw bad(`unexpected "${body.slice(pos)}" (examples: 500ms, 10s, 1m30s)`)
      }
      ms += Number(m[1]) * UNIT_MS[m[2]!]!
      pos = PART.lastIndex
    }
    if (!Number.isFinite(ms)) throw bad('too large')
  }
  const min = limits.minMs ?? 0
  if (ms < min) throw bad(`must be at least ${formatDuration(min)}`)
  if (limits.maxMs !== undefined && ms > limits.maxMs) throw bad(`must be at most ${formatDuration(limits.maxMs)}`)
  return ms
}
