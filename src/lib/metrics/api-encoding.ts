/*
 * The wire rules of cAdvisor's REST API, shared by its handlers: RFC 3339 times with up to nine
 * fractional digits (trailing zeros trimmed, as Go prints time.Time), exact 64-bit integers for
 * the kernel's "unlimited" sentinels (a JavaScript number would print 9223372036854772000 and a
 * Go client would refuse 18446744073709552000 as out of range for uint64), compact JSON, and one
 * JSON error object per failure with the status that says what went wrong.
 */
import {randomBytes} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import {send} from './http.js'

/** Go's zero time.Time, which cAdvisor prints for a time it does not know. */
export const ZERO_TIME = '0001-01-01T00:00:00Z'

/** ms since the epoch (a fraction carries µs) as Go's RFC 3339 with nanoseconds, in UTC. */
export function rfc3339(ms: number): string {
  if (!Number.isFinite(ms)) return ZERO_TIME
  const seconds = Math.floor(ms / 1000)
  // Our clocks carry µs at best; rounding there keeps float noise out of the last digits.
  let micros = Math.round((ms - seconds * 1000) * 1000)
  let s = seconds
  if (micros >= 1_000_000) {
    s += 1
    micros -= 1_000_000
  }
  const base = new Date(s * 1000).toISOString().slice(0, 19)
  const frac = micros === 0 ? '' : `.${String(micros).padStart(6, '0').replace(/0+$/, '')}`
  return `${base}${frac}Z`
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)$/

/** An RFC 3339 time as ms since the epoch (µs kept in the fraction); undefined when malformed. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const whole = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone!.toUpperCase()}`)
  if (Number.isNaN(whole)) return undefined
  // Date.parse accepts 2026-02-31; a round trip catches the impossible dates.
  if (zone!.toUpperCase() === 'Z' && new Date(whole).toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${s}`) return undefined
  return whole + (frac ? Number(`0${frac}`) * 1000 : 0)
}

/** An integer JSON must print exactly (the kernel's unlimited sentinels). */
export class ExactInteger {
  constructor(readonly digits: string) {}
}

/** v1's "no limit" (PAGE_COUNTER_MAX pages of 4 KiB) and v2's `max`, as cAdvisor reports them. */
export const V1_UNLIMITED = new ExactInteger('9223372036854771712')
export const V2_UNLIMITED = new ExactInteger('18446744073709551615')

/** Compact JSON, ExactInteger values printed as bare digits. */
export function encodeJson(value: unknown): string {
  const exact: string[] = []
  const tag = `\u0001${randomBytes(6).toString('hex')}:`
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof ExactInteger) {
      exact.push(v.digits)
      return `${tag}${exact.length - 1}`
    }
    return v
  })
  if (exact.length === 0) return text
  const escapedTag = JSON.stringify(tag).slice(1, -1)
  return text.replace(new RegExp(`"${escapedTag.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}(\\d+)"`, 'g'), (_m, i: string) => exact[Number(i)]!)
}

/** A request the API refuses, with the HTTP status that says why. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, message)
export const notFound = (message: string): ApiError => new ApiError(404, message)

export function sendApiJson(res: ServerResponse, value: unknown): void {
  send(res, 200, 'application/json', encodeJson(value))
}

/** `{"error": "..."}` with its status: one JSON object per failure, whatever the cause. */
export function sendApiError(res: ServerResponse, err: ApiError): void {
  send(res, err.status, 'application/json', encodeJson({error: err.message, status: err.status}))
}
