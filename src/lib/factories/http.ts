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

/** Remembers a recent timeout so that the next calls fail at once instead of waiting again. */
export class EndpointGuard {
  private until = 0
  private since = 0

  constructor(private readonly cooldownMs: number) {}

  /** The reason to skip a call now, or undefined when the endpoint may be asked. */
  check(now = Date.now()): string | undefined {
    if (now >= this.until) return undefined
    return `timed out ${((now - this.since) / 1000).toFixed(1)} s ago; not asked again for ${Math.ceil((this.until - now) / 1000)} s`
  }

  timedOut(now = Date.now()): void {
    this.since = now
    this.until = now + this.cooldownMs
  }
}

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
