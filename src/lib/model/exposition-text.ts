/*
 * Text-level rules shared by both exposition formats (Prometheus text 0.0.4 and OpenMetrics
 * 1.0): label names, label values, HELP text and sample values.
 */

export type ExpositionFormat = 'prometheus' | 'openmetrics'

/**
 * A label name as cAdvisor makes it: every character that is not an ASCII letter, digit or
 * underscore becomes `_`. Callers add a prefix (`container_label_`), so a leading digit is fine.
 */
export function sanitizeLabelName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_')
}

const NEEDS_ESCAPE = /[\\"\n]/

/**
 * A label value between double quotes. Both formats escape backslash, double quote and line
 * feed; everything else (unicode included) is written as UTF-8 unchanged. Values come from
 * container runtimes, so anything can be in them.
 */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value
  return value.replace(/[\\"\n]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'))
}

/** HELP text: 0.0.4 escapes backslash and line feed; OpenMetrics also double quotes. */
export function escapeHelp(help: string, format: ExpositionFormat): string {
  const re = format === 'openmetrics' ? /[\\"\n]/g : /[\\\n]/g
  return help.replace(re, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'))
}

/** A sample value as both formats spell it: Go-style `+Inf`, `-Inf`, `NaN`, otherwise JS's shortest round-trip form. */
export function formatValue(v: number): string {
  if (Number.isFinite(v)) return String(v)
  if (Number.isNaN(v)) return 'NaN'
  return v > 0 ? '+Inf' : '-Inf'
}

/** ` <timestamp>` for a sample line: milliseconds in 0.0.4, seconds in OpenMetrics. */
export function formatTimestamp(ms: number, format: ExpositionFormat): string {
  return format === 'openmetrics' ? ` ${ms / 1000}` : ` ${Math.round(ms)}`
}

/** `a="x",b="y"` from pairs, skipping empty values (an empty value is the same as no label). */
export function labelPairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  let out = ''
  for (const [k, v] of pairs) {
    if (v === '') continue
    out += `${out === '' ? '' : ','}${k}="${escapeLabelValue(v)}"`
  }
  return out
}
