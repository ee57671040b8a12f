/*
 * Names as cadv prints them, and units as `cadv stats` prints them (the same code: src/lib/output/units.ts): memory in binary
 * units (MiB), transfers in decimal ones (kB/s), CPU in percent of one core.
 */
import {binaryBytes, decimalBytes, MISSING, percent} from '../../src/lib/output/units.js'
import {escapeControl} from '../../src/lib/util/escape.js'

export {binaryBytes, decimalBytes, MISSING, percent}

/**
 * A name, label or image as shown: control characters and bidirectional overrides made visible
 * (`\n`, `\u202e`), as every human-readable output of cadv shows them, so a name cannot
 * reorder or forge what is read next to it. (Markup needs nothing: it is only ever text.)
 */
export const shown = escapeControl

export function bytesPerSecond(n: number | undefined | null): string {
  return n === undefined || n === null ? MISSING : `${decimalBytes(n)}/s`
}

/** Counts per second (errors, drops): up to two decimals, no unit scaling. */
export function perSecond(n: number | undefined | null): string {
  return n === undefined || n === null ? MISSING : `${Number.parseFloat(n.toFixed(2))}/s`
}

export function count(n: number | undefined | null): string {
  return n === undefined || n === null ? MISSING : String(Math.round(n))
}

export function pct(n: number | undefined | null): string {
  return n === undefined || n === null ? MISSING : percent(n)
}

export function bytes(n: number | undefined | null): string {
  return n === undefined || n === null ? MISSING : binaryBytes(n)
}

/** A duration in ms as a person says it: 1s, 2m, 1m30s, 250ms. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  const rest = s % 60
  if (m < 60) return rest ? `${m}m${rest}s` : `${m}m`
  const hr = Math.floor(m / 60)
  return m % 60 ? `${hr}h${m % 60}m` : `${hr}h`
}

/** Wall-clock time of day with seconds, in the browser's zone. */
export function clock(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}
