import {FileParseError} from './files.js'

/*
 * Parsers for the handful of cgroupfs formats. Each takes the text and the path it came from,
 * so that an error names the file. They are hand-rolled loops rather than split/regex chains:
 * they run for every container on every tick.
 */

/** Values at or above 2^62 are the kernel's "unlimited" sentinels (v1 prints 2^63 − page size). */
export const UNLIMITED_THRESHOLD = 2 ** 62

/** Parses an unsigned decimal integer; a leading `-` is clamped to 0 as cAdvisor does. NaN when not a number. */
export function toUint(s: string): number {
  if (s.length === 0) return Number.NaN
  if (s.charCodeAt(0) === 45 /* - */) return /^-\d+$/.test(s) ? 0 : Number.NaN
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return Number.NaN
  }
  return Number(s)
}

/** One integer, e.g. memory.usage_in_bytes. `max` (v2) gives Infinity. */
export function parseSingle(text: string, path: string): number {
  const t = text.trim()
  if (t === '') throw new FileParseError(path, 'file is empty')
  if (t === 'max') return Number.POSITIVE_INFINITY
  const n = toUint(t)
  if (Number.isNaN(n)) throw new FileParseError(path, `expected an integer, got "${t.slice(0, 40)}"`)
  return n
}

/** A limit: undefined when unlimited (`max`, `-1`, or a value ≥ 2^62). */
export function parseLimit(text: string, path: string): number | undefined {
  const t = text.trim()
  if (t === '-1') return undefined
  const n = parseSingle(t, path)
  return n >= UNLIMITED_THRESHOLD ? undefined : n
}

/**
 * The one "key value" scanner behind parseKeyValue and pickKeyValues. Every line is validated
 * (a line without a value, or with a value that is not an integer, is a parse error: it is
 * how a truncated file shows itself); `visit` gets each line's key span and value span
 * without any string being built, so a caller pays only for the keys it wants.
 */
function scanKeyValues(
  text: string,
  path: string,
  visit: (keyStart: number, keyEnd: number, digits: number, end: number, negative: boolean) => void,
): void {
  let start = 0
  let lineNo = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    lineNo++
    if (end > start) {
      const sp = text.indexOf(' ', start)
      if (sp < 0 || sp >= end)
        throw new FileParseError(path, `line ${lineNo}: expected "key value", got "${text.slice(start, Math.min(end, start + 40))}"`)
      const negative = text.charCodeAt(sp + 1) === 45 /* - */
      const digits = negative ? sp + 2 : sp + 1
      let ok = digits < end
      for (let i = digits; ok && i < end; i++) {
        const c = text.charCodeAt(i)
        ok = c >= 48 && c <= 57
      }
      if (!ok) throw new FileParseError(path, `line ${lineNo}: "${text.slice(sp + 1, Math.min(end, sp + 41))}" is not an integer`)
      visit(start, sp, digits, end, negative)
    }
    start = end + 1
  }
}

/**
 * "key value" lines (cpu.stat and the like) as a map. Every well-formed line is kept, so new
 * kernel keys are harmless; a negative value is clamped to 0 as cAdvisor does.
 */
export function parseKeyValue(text: string, path: string): Map<string, number> {
  const out = new Map<string, number>()
  scanKeyValues(text, path, (keyStart, keyEnd, digits, end, negative) => {
    out.set(text.slice(keyStart, keyEnd), negative ? 0 : Number(text.slice(digits, end)))
  })
  return out
}

/** The value of `key`, or a parse error naming the key (a truncated file misses its tail keys). */
export function need(map: Map<string, number>, key: string, path: string): number {
  const v = map.get(key)
  if (v === undefined) throw new FileParseError(path, `no "${key}" line`)
  return v
}

/** Whitespace-separated integers (cpuacct.usage_percpu). */
export function parseIntList(text: string, path: string): number[] {
  const parts = text.trim().split(/\s+/).filter(Boolean)
  if (parts.length === 0) throw new FileParseError(path, 'file is empty')
  return parts.map((p, i) => {
    const n = toUint(p)
    if (Number.isNaN(n)) throw new FileParseError(path, `field ${i + 1}: "${p.slice(0, 40)}" is not an integer`)
    return n
  })
}

/**
 * The values of `keys` in "key value" text, in the order of `keys` (undefined when a key is
 * absent). It validates every line as parseKeyValue does, but builds no map and no string per
 * line: memory.stat has some 45 lines and a tick needs 7 of them, for every container.
 */
export function pickKeyValues(text: string, path: string, keys: readonly string[]): (number | undefined)[] {
  const out: (number | undefined)[] = new Array<number | undefined>(keys.length).fill(undefined)
  scanKeyValues(text, path, (keyStart, keyEnd, digits, end, negative) => {
    const keyLength = keyEnd - keyStart
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!
      if (key.length === keyLength && text.startsWith(key, keyStart)) {
        out[k] = negative ? 0 : Number(text.slice(digits, end))
        return
      }
    }
  })
  return out
}

/** A value pickKeyValues found, or a parse error naming the missing key. */
export function needPicked(value: number | undefined, key: string, path: string): number {
  if (value === undefined) throw new FileParseError(path, `no "${key}" line`)
  return value
}
