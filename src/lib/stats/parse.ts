import {FileParseError} from './files.js'

/*
 * Parsers for the handful of cgroupfs formats. Each takes the text and the path it came from,
 * so that an error names the file. They are hand-rolled loops rather than split/regex chains:
 * they run for every container on every tick.
 */

/** Values at or above 2^62 are the kernel's "unlimited" sentinels (v1 prints 2^63 − page size). */
export const UNLIMITED_THRESHOLD = 2 ** 62

/** 2^64 − 1 in decimal: the largest value a kernel u64 counter can print. */
const U64_MAX = '18446744073709551615'

/** True when the digits s[start, end) exceed 2^64 − 1 (leading zeros allowed). */
function aboveU64(s: string, start: number, end: number): boolean {
  while (start < end - 1 && s.charCodeAt(start) === 48 /* 0 */) start++
  const len = end - start
  if (len !== U64_MAX.length) return len > U64_MAX.length
  for (let i = 0; i < len; i++) {
    const d = s.charCodeAt(start + i) - U64_MAX.charCodeAt(i)
    if (d !== 0) return d > 0
  }
  return false
}

/**
 * Parses an unsigned decimal integer as the kernel prints a u64; NaN when it is not one. A
 * negative value or one above 2^64 − 1 is NaN too: a counter cannot hold it, so the file is
 * wrong (or not the kernel's), and a number made of it would be a wrong number (the reason
 * for the error line is uintProblem's).
 */
export function toUint(s: string): number {
  if (s.length === 0) return Number.NaN
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return Number.NaN
  }
  if (s.length >= U64_MAX.length && aboveU64(s, 0, s.length)) return Number.NaN
  return Number(s)
}

/** Why toUint refused `s`, quoted for an error line: `"-1" is negative`, `"…" is above 2^64 - 1`, `"x" is not an integer`. */
export function uintProblem(s: string): string {
  const quoted = `"${s.slice(0, 40)}${s.length > 40 ? '…' : ''}"`
  if (/^-\d+$/.test(s)) return `${quoted} is negative`
  if (/^\d+$/.test(s)) return `${quoted} is above 2^64 - 1`
  return `${quoted} is not an integer`
}

/** One integer, e.g. memory.usage_in_bytes. `max` (v2) gives Infinity. */
export function parseSingle(text: string, path: string): number {
  const t = text.trim()
  if (t === '') throw new FileParseError(path, 'file is empty')
  if (t === 'max') return Number.POSITIVE_INFINITY
  const n = toUint(t)
  if (Number.isNaN(n)) throw new FileParseError(path, `expected an integer, got ${uintProblem(t).replace(/ is not an integer$/, '')}`)
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
  visit: (keyStart: number, keyEnd: number, digits: number, end: number, lineNo: number) => void,
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
      // A sign is syntax here (it reads as a number); whether the value may be negative is
      // the visitor's question, asked only for the keys it takes.
      const digits = text.charCodeAt(sp + 1) === 45 /* - */ ? sp + 2 : sp + 1
      let ok = digits < end
      for (let i = digits; ok && i < end; i++) {
        const c = text.charCodeAt(i)
        ok = c >= 48 && c <= 57
      }
      if (!ok) throw new FileParseError(path, `line ${lineNo}: "${text.slice(sp + 1, Math.min(end, sp + 41))}" is not an integer`)
      visit(start, sp, digits, end, lineNo)
    }
    start = end + 1
  }
}

/**
 * The value of a line scanKeyValues accepted; a FileParseError when it is negative or above
 * 2^64 − 1 (cAdvisor clamps a negative value to 0 and takes a huge one as a float: both are
 * wrong numbers on a dashboard; an error line says the file is wrong instead).
 */
function keyValue(text: string, path: string, keyStart: number, keyEnd: number, digits: number, end: number, lineNo: number): number {
  if (text.charCodeAt(digits - 1) === 45 /* - */ || (end - digits >= U64_MAX.length && aboveU64(text, digits, end))) {
    const raw = text.slice(text.charCodeAt(digits - 1) === 45 ? digits - 1 : digits, end)
    throw new FileParseError(path, `line ${lineNo}: ${text.slice(keyStart, keyEnd)} ${uintProblem(raw)}`)
  }
  return Number(text.slice(digits, end))
}

/**
 * "key value" lines (cpu.stat and the like) as a map. Every well-formed line is kept, so new
 * kernel keys are harmless; a value out of a u64's range is a parse error.
 */
export function parseKeyValue(text: string, path: string): Map<string, number> {
  const out = new Map<string, number>()
  scanKeyValues(text, path, (keyStart, keyEnd, digits, end, lineNo) => {
    out.set(text.slice(keyStart, keyEnd), keyValue(text, path, keyStart, keyEnd, digits, end, lineNo))
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
    if (Number.isNaN(n)) throw new FileParseError(path, `field ${i + 1}: ${uintProblem(p)}`)
    return n
  })
}

/**
 * The values of `keys` in "key value" text, in the order of `keys` (undefined when a key is
 * absent). It validates every line's syntax as parseKeyValue does, but builds no map and no
 * string per line: memory.stat has some 45 lines and a tick needs 7 of them, for every
 * container. The range of a value is checked for the keys taken only.
 */
export function pickKeyValues(text: string, path: string, keys: readonly string[]): (number | undefined)[] {
  const out: (number | undefined)[] = new Array<number | undefined>(keys.length).fill(undefined)
  scanKeyValues(text, path, (keyStart, keyEnd, digits, end, lineNo) => {
    const keyLength = keyEnd - keyStart
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!
      if (key.length === keyLength && text.startsWith(key, keyStart)) {
        out[k] = keyValue(text, path, keyStart, keyEnd, digits, end, lineNo)
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
