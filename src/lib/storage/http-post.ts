/*
 * One HTTP(S) POST with a deadline, for the drivers that speak HTTP (influxdb, remote-write):
 * kept-alive connections, the TLS options (CA, client certificate, skip verification), basic
 * auth or a bearer token read from a file (re-read each minute, so rotated tokens are picked up).
 */
import {readFileSync} from 'node:fs'
import {Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders} from 'node:http'
import {Agent as HttpsAgent, request as httpsRequest} from 'node:https'

import {StorageConfigError} from './errors.js'
import type {TlsSettings} from './settings.js'

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export interface HttpTargetOptions {
  url: URL
  tls: TlsSettings
  user?: string
  password?: string
  bearerTokenFile?: string
  timeoutMs: number
  userAgent: string
  /** Driver name, for messages. */
  driver: string
}

const TOKEN_REREAD_MS = 60_000

function readOrFail(file: string, what: string, driver: string): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    throw new StorageConfigError(
      `storage driver ${driver}: cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    )
  }
}

/** A URL without its credentials, for messages and metrics. */
export function safeUrl(u: URL): string {
  const c = new URL(u)
  c.username = ''
  c.password = ''
  return c.toString()
}

export class HttpTarget {
  private readonly agent: HttpAgent
  private token?: {value: string; readMs: number}
  private readonly auth?: string

  constructor(private readonly o: HttpTargetOptions) {
    const https = o.url.protocol === 'https:'
    if (!https && o.url.protocol !== 'http:')
      throw new StorageConfigError(`storage driver ${o.driver}: "${safeUrl(o.url)}" is not an http or https URL`)
    const {caFile, certFile, keyFile, insecureSkipVerify} = o.tls
    if ((certFile === undefined) !== (keyFile === undefined))
      throw new StorageConfigError(
        `storage driver ${o.driver}: a client certificate needs both --storage-driver-cert-file and --storage-driver-key-file`,
      )
    this.agent = https
      ? new HttpsAgent({
          keepAlive: true,
          ca: caFile ? readOrFail(caFile, 'CA file', o.driver) : undefined,
          cert: certFile ? readOrFail(certFile, 'certificate', o.driver) : undefined,
          key: keyFile ? readOrFail(keyFile, 'key', o.driver) : undefined,
          rejectUnauthorized: !insecureSkipVerify,
        })
      : new HttpAgent({keepAlive: true})
    const user = o.user ?? decodeURIComponent(o.url.username)
    const password = o.password ?? decodeURIComponent(o.url.password)
    if (o.bearerTokenFile !== undefined && (user !== '' || password !== ''))
      throw new StorageConfigError(`storage driver ${o.driver}: give a bearer token or a user and password, not both`)
    if (user !== '' || password !== '') this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    if (o.bearerTokenFile !== undefined) this.bearer()
  }

  private bearer(): string {
    const now = Date.now()
    if (!this.token || now - this.token.readMs > TOKEN_REREAD_MS) {
      const value = readOrFail(this.o.bearerTokenFile!, 'bearer token file', this.o.driver).toString('utf8').trim()
      this.token = {value, readMs: now}
    }
    return this.token.value
  }

  /** POSTs `body` to the URL with `path` and `query` appended; resolves with any status. */
  post(
    body: Buffer | string,
    headers: Record<string, string>,
    extra: {path?: string; query?: Record<string, string>} = {},
  ): Promise<HttpResponse> {
    const u = new URL(this.o.url)
    u.username = ''
    u.password = ''
    if (extra.path) u.pathname = u.pathname.replace(/\/$/, '') + extra.path
    for (const [k, v] of Object.entries(extra.query ?? {})) u.searchParams.set(k, v)
    const all: Record<string, string | number> = {
      ...headers,
      'User-Agent': this.o.userAgent,
      'Content-Length': Buffer.byteLength(body),
    }
    if (this.o.bearerTokenFile !== undefined) all.Authorization = `Bearer ${this.bearer()}`
    else if (this.auth) all.Authorization = this.auth
    const request = u.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      const req = request(u, {method: 'POST', headers: all, agent: this.agent, timeout: this.o.timeoutMs}, (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          // An error body is for a message: the first 4 KiB is plenty.
          if (size < 4096) chunks.push(c)
          size += c.length
        })
        res.on('end', () =>
          resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8').slice(0, 4096)}),
        )
        res.on('error', reject)
      })
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.o.timeoutMs / 1000} s`)))
      req.on('error', reject)
      req.end(body)
    })
  }

  close(): void {
    this.agent.destroy()
  }
}

/** The first line of an error body, or the status text. */
export function errorText(res: HttpResponse): string {
  let text = res.body.trim()
  try {
    const j = JSON.parse(text) as {error?: string; message?: string}
    text = j.error ?? j.message ?? text
  } catch {
    // not JSON
  }
  const first = text.split('\n')[0]!.slice(0, 300)
  return `HTTP ${res.status}${first ? `: ${first}` : ''}`
}
