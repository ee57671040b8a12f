/*
 * The HTTP(S) side of `cadv serve`: the metrics path (telemetry path) and the routes it is
 * given (landing page, /healthz, the JSON API). Every connection passes the connection caps
 * (connections.ts) and every request the web config (TLS client checks, the per-client rate
 * limit, basic auth off the event loop: auth.ts, extra headers). Scrapes beyond --max-requests
 * get 503 at once rather than queueing behind slow ones.
 */
import {createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo, Socket} from 'node:net'
import type {TLSSocket} from 'node:tls'

import {Authenticator, type AuthStats} from './auth.js'
import {clientAddress, ConnectionGuard, type ConnectionStats} from './connections.js'
import {send, sendInPieces, sendText, type Route} from './http.js'
import {negotiateFormat} from './negotiate.js'
import type {BodySource} from './body-cache.js'
import type {ReloadStats, TlsSettings, WebConfig, WebConfigWatcher} from './web-config.js'

export interface ServerOptions {
  /** `host:port`, `:port` (all interfaces) or `[v6]:port`. */
  listen: readonly string[]
  telemetryPath: string
  /** Other paths that serve the same metrics (the kubelet's /metrics/cadvisor). */
  telemetryAliases?: readonly string[]
  /** Every path lives under this prefix (--url-base-prefix); others are 404. */
  urlBasePrefix?: string
  source: BodySource
  /** Where scrape counts go (SelfMetrics; absent with --disable-exporter-metrics). */
  self?: ScrapeCounters
  /**
   * Where requests counted against --max-requests are counted: one Int32, on a
   * SharedArrayBuffer when two servers share the cap (the metrics thread's scrapes and the main
   * thread's limited routes).
   */
  inFlight?: Int32Array
  /** Everything besides the metrics path, asked in order. */
  routes: readonly Route[]
  webConfig?: WebConfigWatcher
  /** Parallel scrapes of the telemetry path; 0 = unlimited. */
  maxRequests: number
  /** Longest a request may take (receiving it and sending the answer), ms. */
  requestTimeoutMs: number
  /**
   * Longest a request's body may take to arrive once its headers have, ms: a scrape holds its
   * --max-requests slot from its complete headers until then at most. Default 2 s (Prometheus
   * sends no body), never more than requestTimeoutMs.
   */
  bodyTimeoutMs?: number
  /** Open connections in all and per client address (0: no cap); see connections.ts. */
  maxConnections?: number
  maxConnectionsPerClient?: number
  /**
   * Scrape bodies go out in one write, not a piece per turn of the event loop (sendInPieces):
   * for the metrics thread, where no other work waits on the loop.
   */
  wholeBodies?: boolean
  /** What the server does (reloads), for stderr. */
  log: (message: string) => void
  /** What the operator must see whatever the verbosity (refused reloads, out of descriptors). */
  warn?: (message: string) => void
}

/** Scrapes by status and scrapes in progress: SelfMetrics' counters, or the metrics thread's tally of them. */
export interface ScrapeCounters {
  scrapes: {inc(labels: {code: string}): void}
  inFlight: {inc(): void; dec(): void}
}

/** The server's counters, for cadv's own metrics (metrics/server-metrics.ts). */
export interface ServerStats {
  connections: ConnectionStats
  maxConnections: number
  auth: AuthStats | undefined
  reloads: ReloadStats | undefined
  /** accept() failures for lack of descriptors (EMFILE, ENFILE). */
  acceptShortages: number
  /** Scrapes cut off because their body did not arrive within the body timeout. */
  bodyTimeouts: number
}

/** Repeats of the "out of descriptors" warning are held back this long. */
const SHORTAGE_WARN_EVERY_MS = 60_000
const DEFAULT_BODY_TIMEOUT_MS = 2000
/** Longest a TLS handshake may take (Node's default is 120 s: a cheap way to hold connections). */
const HANDSHAKE_TIMEOUT_MS = 10_000

export class ListenError extends Error {
  readonly exitCode = 2
}

/** Splits a --listen value; throws ListenError on nonsense. */
export function parseListen(value: string): {host: string | undefined; port: number} {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim())
  const port = m ? Number(m[3]) : NaN
  if (!m) throw new ListenError(`--listen "${value}": expected host:port, :port or [ipv6]:port`)
  if (port > 65535) throw new ListenError(`--listen "${value}": port ${port} is out of range (0 to 65535)`)
  const host = m[1] ?? m[2]
  return {host: host === '' ? undefined : host, port}
}

/** Node's request timeouts for --request-timeout. */
export function httpOptions(timeoutMs: number) {
  // Node checks request timeouts every connectionsCheckingInterval (30 s by default); check
  // often enough that --request-timeout means what it says.
  return {
    requestTimeout: timeoutMs,
    headersTimeout: Math.min(timeoutMs, 60_000),
    connectionsCheckingInterval: Math.max(50, Math.min(1000, timeoutMs / 4)),
  }
}

function tlsOptions(t: TlsSettings) {
  return {cert: t.cert, key: t.key, ca: t.ca, minVersion: t.minVersion, maxVersion: t.maxVersion}
}

/** Whether a finished TLS handshake satisfies client_auth_type (checked per connection, so reloads apply). */
function clientAllowed(socket: TLSSocket, tls: TlsSettings): boolean {
  const cert = socket.getPeerCertificate()
  const presented = cert !== null && Object.keys(cert).length > 0
  switch (tls.clientAuth) {
    case 'NoClientCert':
    case 'RequestClientCert':
      return true
    case 'RequireAnyClientCert':
      return presented
    case 'VerifyClientCertIfGiven':
      return !presented || socket.authorized
    case 'RequireAndVerifyClientCert':
      return presented && socket.authorized
  }
}

export class MetricsServer {
  private readonly servers: Server[] = []
  private readonly inFlight: Int32Array
  private readonly active = new Set<ServerResponse>()
  private closing = false
  private readonly guard: ConnectionGuard
  private auth: Authenticator | undefined
  private acceptShortages = 0
  private shortageWarnedAt = Number.NEGATIVE_INFINITY
  private bodyTimeouts = 0
  /** Responses ended by the body timeout: what their handler throws afterwards (a premature close) is expected. */
  private readonly timedOut = new WeakSet<ServerResponse>()

  constructor(private readonly options: ServerOptions) {
    this.guard = new ConnectionGuard({maxConnections: options.maxConnections ?? 0, maxPerClient: options.maxConnectionsPerClient ?? 0})
    this.inFlight = options.inFlight ?? new Int32Array(1)
  }

  /** Takes a slot under --max-requests; false when every slot is taken. */
  private takeSlot(): boolean {
    const max = this.options.maxRequests
    if (max <= 0) {
      Atomics.add(this.inFlight, 0, 1)
      return true
    }
    if (Atomics.add(this.inFlight, 0, 1) < max) return true
    Atomics.sub(this.inFlight, 0, 1)
    return false
  }

  private freeSlot(): void {
    Atomics.sub(this.inFlight, 0, 1)
  }

  stats(): ServerStats {
    return {
      connections: this.guard.stats,
      maxConnections: this.guard.limits.maxConnections,
      auth: this.auth?.stats,
      reloads: this.options.webConfig?.reloads,
      acceptShortages: this.acceptShortages,
      bodyTimeouts: this.bodyTimeouts,
    }
  }

  /** Binds every --listen address; resolves with the bound addresses (port 0 gets a free port). */
  async start(): Promise<AddressInfo[]> {
    const config = this.options.webConfig?.current()
    const tls = config?.tls
    if (config) this.auth = new Authenticator(config)
    const handler = this.handler
    const timeout = this.options.requestTimeoutMs
    const http = httpOptions(timeout)
    const addresses: AddressInfo[] = []
    for (const listen of this.options.listen) {
      const {host, port} = parseListen(listen)
      let server: Server
      if (tls) {
        // Ask every client for a certificate and judge it per connection against the current
        // config, so client_auth_type and the CA can change without a restart.
        const s = createHttpsServer(
          {
            ...tlsOptions(tls),
            ...http,
            requestCert: true,
            rejectUnauthorized: false,
            handshakeTimeout: Math.min(HANDSHAKE_TIMEOUT_MS, timeout),
          },
          handler,
        )
        s.prependListener('secureConnection', (socket: TLSSocket) => {
          const current = this.options.webConfig?.current()
          if (!current?.tls || !clientAllowed(socket, current.tls)) socket.destroy()
        })
        server = s
      } else {
        server = createHttpServer(http, handler)
      }
      server.timeout = timeout
      // Before http's own listener: a connection over a cap is closed before anything is parsed.
      server.prependListener('connection', (socket: Socket) => void this.guard.admit(socket))
      await new Promise<void>((resolve, reject) => {
        const onListenError = (err: NodeJS.ErrnoException): void =>
          reject(new ListenError(`cannot listen on ${listen}: ${err.code ?? err.message}`))
        server.once('error', onListenError)
        server.listen({host, port}, () => {
          server.off('error', onListenError)
          resolve()
        })
      })
      // After listening, an error is an accept() that failed. libuv drops connections it
      // cannot accept for lack of descriptors by itself; what it does pass on must not end the
      // process (an unhandled 'error'), and must be seen.
      server.on('error', (err: NodeJS.ErrnoException) => this.acceptFailed(err))
      this.servers.push(server)
      addresses.push(server.address() as AddressInfo)
    }
    if (this.options.webConfig) {
      this.options.webConfig.onReload = (next) => {
        this.options.log('web config reloaded')
        this.auth?.configure(next)
        // The watcher never switches TLS on or off by reload (reloadRefusal); new certificates apply to new connections.
        if (next.tls)
          for (const s of this.servers)
            if ('setSecureContext' in s) (s as ReturnType<typeof createHttpsServer>).setSecureContext(tlsOptions(next.tls))
      }
      this.options.webConfig.onRefused = (err) => (this.options.warn ?? this.options.log)(err.message)
    }
    return addresses
  }

  /** Answers one request as the servers started by start() do; for a server made elsewhere (adopt). */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((err: Error) => {
      if (this.timedOut.has(res)) return
      this.options.log(`request ${req.url}: ${err.message}`)
      if (!res.headersSent) sendText(res, 500, 'internal error\n')
      else res.destroy()
    })
  }

  /** A server made elsewhere whose requests go to `handler`: stop() closes it with the others. */
  adopt(server: Server): void {
    this.servers.push(server)
  }

  /**
   * Stops accepting, lets requests in progress finish (up to graceMs), then closes what is left.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.closing = true
    const closed = Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
    for (const s of this.servers) s.closeIdleConnections()
    const deadline = Date.now() + graceMs
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    for (const s of this.servers) s.closeAllConnections()
    await closed
    await this.auth?.close()
  }

  private acceptFailed(err: NodeJS.ErrnoException): void {
    if (err.code === 'EMFILE' || err.code === 'ENFILE') {
      this.acceptShortages++
      // Give descriptors back: idle connections are the ones that can go.
      this.guard.shed(8)
      const now = Date.now()
      if (now - this.shortageWarnedAt >= SHORTAGE_WARN_EVERY_MS) {
        this.shortageWarnedAt = now
        ;(this.options.warn ?? this.options.log)(
          `out of file descriptors accepting a connection (${err.code}); closing idle connections (lower --max-connections or raise the limit: ulimit -n)`,
        )
      }
      return
    }
    this.options.log(`accept: ${err.code ?? err.message}`)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.active.add(res)
    const socket = req.socket
    this.guard.busy(socket)
    res.once('close', () => {
      this.active.delete(res)
      this.guard.idle(socket)
    })
    if (this.closing) res.setHeader('Connection', 'close')

    const config: WebConfig | undefined = this.options.webConfig?.current()
    for (const [k, v] of Object.entries(config?.headers ?? {})) res.setHeader(k, v)
    if (this.auth) {
      // The rate limit, the queue and bcrypt are per client address, and bcrypt runs in a worker.
      switch (await this.auth.check(clientAddress(socket), req.headers.authorization)) {
        case 'limited':
          sendText(res, 429, 'Too Many Requests\n', {'Retry-After': '1'})
          return
        case 'busy':
          sendText(res, 503, 'too many password checks in progress for this client\n', {'Retry-After': '1'})
          return
        case 'denied':
          sendText(res, 401, 'Unauthorized\n', {'WWW-Authenticate': 'Basic realm="cadv"'})
          return
        case 'ok':
          break
      }
    }
    // Let in: at a connection cap, this connection is closed only after every idle one that never was.
    this.guard.trust(socket)
    const prefix = this.options.urlBasePrefix
    if (prefix) {
      const u = req.url ?? '/'
      if (u !== prefix && !u.startsWith(`${prefix}/`) && !u.startsWith(`${prefix}?`)) {
        sendText(res, 404, 'not found\n')
        return
      }
      // Routes see paths as if there were no prefix (cAdvisor mounts everything under it).
      req.url = u.slice(prefix.length) || '/'
      if (req.url.startsWith('?')) req.url = `/${req.url}`
    }
    const url = new URL(req.url ?? '/', 'http://cadv')
    const path = url.pathname
    const telemetry = path === this.options.telemetryPath || this.options.telemetryAliases?.includes(path)
    const route = telemetry ? undefined : this.options.routes.find((r) => r.matches(path))
    const methods = ['GET', 'HEAD', ...(route?.methods ?? [])]
    if (!methods.includes(req.method ?? '')) {
      sendText(res, 405, 'method not allowed\n', {Allow: methods.join(', ')})
      return
    }
    if (telemetry) return this.scrape(req, res)
    if (route?.limited) return this.counted(req, res, route, () => route.handle(req, res, url))
    if (route) return route.handle(req, res, url)
    sendText(res, 404, 'not found\n')
  }

  /** A request of a route that counts against --max-requests with the scrapes; held until its response closes. */
  private async counted(req: IncomingMessage, res: ServerResponse, route: Route, work: () => void | Promise<void>): Promise<void> {
    const max = this.options.maxRequests
    if (!this.takeSlot()) {
      const message = `too many concurrent requests (--max-requests ${max})`
      if (route.refuse) route.refuse(res, 503, message)
      else sendText(res, 503, `${message}\n`)
      return
    }
    res.once('close', () => this.freeSlot())
    // The route reads the body itself (a POST); one that does not arrive still frees the slot.
    this.bodyWatchdog(req, res)
    await work()
  }

  /** Ends the request with 408 when its body has not all arrived within the body timeout; the body is left to whoever reads it. */
  private bodyWatchdog(req: IncomingMessage, res: ServerResponse): void {
    if (req.complete) return
    const ms = this.bodyTimeoutMs()
    const timer = setTimeout(() => {
      if (req.complete || res.writableFinished) return
      this.bodyTimeouts++
      this.timeOut(req, res, ms)
    }, ms)
    const clear = (): void => clearTimeout(timer)
    req.once('end', clear)
    res.once('close', clear)
  }

  private bodyTimeoutMs(): number {
    return Math.min(this.options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS, this.options.requestTimeoutMs)
  }

  /** 408 and the connection closed (the rest of the body would be read as a request); or just closed when the answer had begun. */
  private timeOut(req: IncomingMessage, res: ServerResponse, ms: number): void {
    this.timedOut.add(res)
    if (res.headersSent) {
      res.destroy()
      return
    }
    res.once('finish', () => req.socket.destroy())
    sendText(res, 408, `request body not received within ${ms} ms\n`, {Connection: 'close'})
  }

  private async scrape(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const max = this.options.maxRequests
    const self = this.options.self
    if (!this.takeSlot()) {
      self?.scrapes.inc({code: '503'})
      sendText(res, 503, `too many concurrent scrapes (--max-requests ${max})\n`)
      return
    }
    self?.inFlight.inc()
    res.once('finish', () => self?.scrapes.inc({code: String(res.statusCode)}))
    let hold: (() => void) | undefined
    try {
      // A scrape holds its slot from its complete headers; a body that does not follow within
      // the body timeout ends the request (408) and frees the slot, so connections that send
      // headers with a Content-Length and no body cannot hold every slot.
      if (!req.complete && !(await this.bodyArrives(req, res))) return
      if (res.destroyed) return
      const body = await this.options.source.body(negotiateFormat(req.headers.accept))
      // Its text is not recycled while this scrape may still write it (body-cache.ts).
      hold = body.hold()
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
      const headers: Record<string, string> = {Vary: 'Accept, Accept-Encoding'}
      if (gzip) headers['Content-Encoding'] = 'gzip'
      const bytes = gzip ? await body.gzipped() : body.text
      if (this.options.wholeBodies) send(res, 200, body.contentType, bytes, headers)
      else await sendInPieces(res, 200, body.contentType, bytes, headers)
      await new Promise<void>((resolve) => (res.writableFinished ? resolve() : res.once('close', resolve)))
    } finally {
      hold?.()
      this.freeSlot()
      self?.inFlight.dec()
    }
  }

  /** Waits for the request body (discarded); false when it did not come in time (the answer is then 408). */
  private bodyArrives(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const ms = this.bodyTimeoutMs()
    req.resume()
    return new Promise<boolean>((resolve) => {
      const done = (arrived: boolean): void => {
        clearTimeout(timer)
        req.off('end', onEnd)
        req.off('close', onClose)
        resolve(arrived)
      }
      const onEnd = (): void => done(true)
      const onClose = (): void => done(!res.destroyed)
      const timer = setTimeout(() => {
        this.bodyTimeouts++
        this.timeOut(req, res, ms)
        done(false)
      }, ms)
      req.once('end', onEnd)
      req.once('close', onClose)
    })
  }
}
