/*
 * JSON over HTTP/1.1 on a unix socket (or TCP), for the Docker Engine API (docker, podman)
 * and CRI-O. Every call has one deadline covering connect, headers and body, so a daemon that
 * accepts and never answers costs at most `timeoutMs`. After a timeout the endpoint is not
 * asked again for a while (EndpointGuard), so a hung daemon costs one timeout, not one per name.
 */
import {request, type IncomingHttpHeaders} from 'node:http'

/** A runtime could not be asked: connection refused, no socket, timed out, garbled reply. */
export class RuntimeUnreachable extends Error {
  constructor(
    readonly endpoint: string,
    readonly detail: string,
  ) {
    super(`unreachable: ${endpoint} (${detail})`)
    this.name = 'RuntimeUnreachable'
  }
}

export interface Target {
  socketPath?: string
  host?: string
  port?: number
}

/** `unix:///run/x.sock`, `/run/x.sock`, `tcp://127.0.0.1:2375` or `http://…` → where to connect. */
export function parseEndpoint(endpoint: string): Target {
  if (endpoint.startsWith('unix://')) return {socketPath: endpoint.slice('unix://'.length)}
  if (endpoint.startsWith('/')) return {socketPath: endpoint}
  const m = /^(?:tcp|http):\/\/([^:/]+)(?::(\d+))?\/?$/.exec(endpoint)
  if (m) return {host: m[1]!, port: m[2] ? Number(m[2]) : 80}
  throw new Error(`${endpoint}: not an endpoint (use unix:///path/to.sock or tcp://host:port)`)
}

/**
 * Remembers a recent timeout so that the next calls fail at once instead of waiting again. One
 * call at a time may still probe the endpoint during the rest (the first a second after the
 * timeout, then at doubling gaps), so a daemon that was only slow for a moment is asked again
 * within about a second, not after the whole rest; an answer ends the rest.
 */
export class EndpointGuard {
  private until = 0
  private since = 0
  private probeAt = 0
  private probeGapMs = PROBE_FIRST_MS
  private probing = false

  constructor(private readonly cooldownMs: number) {}

  /** The reason to skip a call now, or undefined when the endpoint may be asked. */
  check(now = Date.now()): string | undefined {
    if (now >= this.until) return undefined
    return `timed out ${((now - this.since) / 1000).toFixed(1)} s ago; not asked again for ${Math.ceil((this.until - now) / 1000)} s`
  }

  /** check(), but a call during the rest may go as the probe: `probe` says so; pass it to settled(). */
  admit(now = Date.now()): {skip?: string; probe: boolean} {
    const skip = this.check(now)
    if (skip === undefined) return {probe: false}
    if (this.probing || now < this.probeAt) return {skip, probe: false}
    this.probing = true
    return {probe: true}
  }

  timedOut(now = Date.now()): void {
    this.since = now
    this.until = now + this.cooldownMs
    this.probing = false
    this.probeAt = now + this.probeGapMs
    this.probeGapMs = Math.min(this.probeGapMs * 2, this.cooldownMs)
  }

  /** A call ended without timing out (an answer, even an error reply): the endpoint is back. */
  answered(probe: boolean): void {
    if (probe) this.probing = false
    this.until = 0
    this.probeGapMs = PROBE_FIRST_MS
  }
}

/** The first probe of a rested endpoint, after its timeout (EndpointGuard). */
const PROBE_FIRST_MS = 1000

/**
 * At most `max` calls in flight to one runtime: a host that starts with thousands of
 * cgroups must not open thousands of sockets to dockerd at once.
 */
export class Limiter {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r))
    this.active++
    try {
      return await fn()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}

/** Calls in flight per runtime endpoint. */
export const MAX_CALLS_IN_FLIGHT = 16

/** How long after a timeout an endpoint is not asked again. */
export const COOLDOWN_MS = 10_000

export interface JsonResponse {
  status: number
  body: unknown
  headers: IncomingHttpHeaders
}

const MAX_BODY = 16 * 1024 * 1024

function errText(err: NodeJS.ErrnoException): string {
  if (err.code && err.syscall) return `${err.syscall} ${err.code}`
  return err.code ?? err.message
}

/** GET `path` and parse the reply as JSON (a non-JSON error body becomes `{message}`). */
export function getJson(endpoint: string, path: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<JsonResponse> {
  let target: Target
  try {
    target = parseEndpoint(endpoint)
  } catch (err) {
    return Promise.reject(new RuntimeUnreachable(endpoint, (err as Error).message))
  }
  return new Promise((resolve, reject) => {
    let settled = false
    const finish = (fn: () => void): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      fn()
    }
    const req = request(
      {...target, path, method: 'GET', agent: false, headers: {Host: 'localhost', Accept: 'application/json', ...headers}},
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          size += c.length
          if (size > MAX_BODY) req.destroy(new Error(`reply larger than ${MAX_BODY} bytes`))
          else chunks.push(c)
        })
        res.on('error', (err) => finish(() => reject(new RuntimeUnreachable(endpoint, errText(err)))))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let body: unknown
          try {
            body = text === '' ? null : JSON.parse(text)
          } catch {
            if ((res.statusCode ?? 0) < 400) {
              finish(() => reject(new RuntimeUnreachable(endpoint, `GET ${path}: reply is not JSON`)))
              return
            }
            body = {message: text.trim()}
          }
          finish(() => resolve({status: res.statusCode ?? 0, body, headers: res.headers}))
        })
      },
    )
    const timer = setTimeout(() => {
      finish(() => reject(new RuntimeUnreachable(endpoint, `no answer within ${timeoutMs} ms`)))
      req.destroy()
    }, timeoutMs)
    req.on('error', (err) => finish(() => reject(new RuntimeUnreachable(endpoint, errText(err)))))
    req.end()
  })
}

/** True for the timeout error getJson raises (the guard's trigger). */
export function isTimeout(err: unknown): boolean {
  return err instanceof RuntimeUnreachable && err.detail.startsWith('no answer within')
}

/**
 * True when the runtime is not installed here (its socket does not exist). That is a lasting
 * answer, unlike a refused connection or a timeout, so a decision resting on it is kept.
 */
export function isAbsent(err: unknown): boolean {
  return err instanceof RuntimeUnreachable && / ENOENT$/.test(err.detail)
}

/**
 * One runtime endpoint's call discipline, shared by every client (docker, podman, containerd,
 * CRI-O): at most MAX_CALLS_IN_FLIGHT calls at once, and after a timeout no call for
 * COOLDOWN_MS but one probe at a time (EndpointGuard). The guard is asked again once a slot
 * frees, and marked before the slot is given back, so that calls queued behind a timed-out one
 * are skipped rather than sent.
 */
export class GuardedEndpoint {
  private readonly guard = new EndpointGuard(COOLDOWN_MS)
  private readonly limiter = new Limiter(MAX_CALLS_IN_FLIGHT)

  constructor(
    readonly endpoint: string,
    readonly timeoutMs: number,
  ) {}

  /** Runs `call` under the guard and the limiter; a timeout error (timeoutError) rests the endpoint. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    const {skip, probe} = this.guard.admit()
    if (skip) throw new RuntimeUnreachable(this.endpoint, skip)
    return this.limiter.run(async () => {
      const late = probe ? undefined : this.guard.check()
      if (late) throw new RuntimeUnreachable(this.endpoint, late)
      try {
        const result = await call()
        this.guard.answered(probe)
        return result
      } catch (err) {
        if (isTimeout(err)) this.guard.timedOut()
        else if (probe || !(err instanceof RuntimeUnreachable)) this.guard.answered(probe)
        throw err
      }
    })
  }

  /** GET `path` as JSON over HTTP (docker, podman, CRI-O). */
  getJson(path: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
    return this.run(() => getJson(this.endpoint, path, this.timeoutMs, headers))
  }

  /** The error a call that ran out of time raises, for clients with their own transport (gRPC). */
  timeoutError(): RuntimeUnreachable {
    return new RuntimeUnreachable(this.endpoint, `no answer within ${this.timeoutMs} ms`)
  }
}

/** The string-valued entries of a JSON object (labels, annotations); anything else is dropped. */
export function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x
  return out
}
