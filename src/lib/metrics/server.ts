/*
 * The HTTP(S) side of `cadv serve`: the metrics path (telemetry path) and the routes it is
 * given (landing page, /healthz, the JSON API). Every request goes through the web config (TLS
 * client checks, basic auth, rate limit, extra headers). Scrapes beyond --max-requests get 503
 * at once rather than queueing behind slow ones.
 */
import {createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo} from 'node:net'
import type {TLSSocket} from 'node:tls'

import {send, sendText, type Route} from './http.js'
import {negotiateFormat} from './negotiate.js'
import type {SelfMetrics} from './self.js'
import type {MetricsSource} from './source.js'
import type {TlsSettings, WebConfig, WebConfigWatcher} from './web-config.js'

export interface ServerOptions {
  /** `host:port`, `:port` (all interfaces) or `[v6]:port`. */
  listen: readonly string[]
  telemetryPath: string
  /** Other paths that serve the same metrics (the kubelet's /metrics/cadvisor). */
  telemetryAliases?: readonly string[]
  /** Every path lives under this prefix (--url-base-prefix); others are 404. */
  urlBasePrefix?: string
  source: MetricsSource
  /** Where scrape counts go (absent with --disable-exporter-metrics). */
  self?: SelfMetrics
  /** Everything besides the metrics path, asked in order. */
  routes: readonly Route[]
  webConfig?: WebConfigWatcher
  /** Parallel scrapes of the telemetry path; 0 = unlimited. */
  maxRequests: number
  /** Longest a request may take (receiving it and sending the answer), ms. */
  requestTimeoutMs: number
  log: (message: string) => void
}

export class ListenError extends Error {
  readonly exitCode = 2
}

/** Splits a --listen value; throws ListenError on nonsense. */
export function parseListen(value: string): {host: string | undefined; port: number} {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim())
  const port = m ? Number(m[3]) : NaN
  if (!m || port > 65535) throw new ListenError(`--listen "${value}": expected host:port, :port or [ipv6]:port`)
  const host = m[1] ?? m[2]
  return {host: host === '' ? undefined : host, port}
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
  private inFlightScrapes = 0
  private readonly active = new Set<ServerResponse>()
  private closing = false

  constructor(private readonly options: ServerOptions) {}

  /** Binds every --listen address; resolves with the bound addresses (port 0 gets a free port). */
  async start(): Promise<AddressInfo[]> {
    const config = this.options.webConfig?.current()
    const tls = config?.tls
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.handle(req, res).catch((err: Error) => {
        this.options.log(`request ${req.url}: ${err.message}`)
        if (!res.headersSent) sendText(res, 500, 'internal error\n')
        else res.destroy()
      })
    }
    // Node checks request timeouts every connectionsCheckingInterval (30 s by default); check
    // often enough that --request-timeout means what it says.
    const timeout = this.options.requestTimeoutMs
    const httpOptions = {
      requestTimeout: timeout,
      headersTimeout: Math.min(timeout, 60_000),
      connectionsCheckingInterval: Math.max(50, Math.min(1000, timeout / 4)),
    }
    const addresses: AddressInfo[] = []
    for (const listen of this.options.listen) {
      const {host, port} = parseListen(listen)
      let server: Server
      if (tls) {
        // Ask every client for a certificate and judge it per connection against the current
        // config, so client_auth_type and the CA can change without a restart.
        const s = createHttpsServer({...tlsOptions(tls), ...httpOptions, requestCert: true, rejectUnauthorized: false}, handler)
        s.prependListener('secureConnection', (socket: TLSSocket) => {
          let current: WebConfig | undefined
          try {
            current = this.options.webConfig?.current()
          } catch {
            socket.destroy()
            return
          }
          if (!current?.tls || !clientAllowed(socket, current.tls)) socket.destroy()
        })
        server = s
      } else {
        server = createHttpServer(httpOptions, handler)
      }
      server.timeout = timeout
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) =>
          reject(new ListenError(`cannot listen on ${listen}: ${err.code ?? err.message}`)),
        )
        server.listen({host, port}, () => resolve())
      })
      this.servers.push(server)
      addresses.push(server.address() as AddressInfo)
    }
    if (this.options.webConfig) {
      this.options.webConfig.onReload = (next) => {
        this.options.log('web config reloaded')
        if (next.tls)
          for (const s of this.servers)
            if ('setSecureContext' in s) (s as ReturnType<typeof createHttpsServer>).setSecureContext(tlsOptions(next.tls))
        if (!!next.tls !== !!tls) this.options.log('turning TLS on or off needs a restart; keeping the current mode')
      }
      this.options.webConfig.onError = (err) => this.options.log(`web config: ${err.message}; refusing requests until it is fixed`)
    }
    return addresses
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
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.active.add(res)
    res.on('close', () => this.active.delete(res))
    if (this.closing) res.setHeader('Connection', 'close')

    let config: WebConfig | undefined
    try {
      config = this.options.webConfig?.current()
    } catch {
      sendText(res, 500, 'web config is invalid\n')
      return
    }
    for (const [k, v] of Object.entries(config?.headers ?? {})) res.setHeader(k, v)
    // The rate limit comes first: a flood of bad passwords must not cost a bcrypt.compare each.
    if (this.options.webConfig && !this.options.webConfig.allow()) {
      sendText(res, 429, 'Too Many Requests\n')
      return
    }
    if (this.options.webConfig && !(await this.options.webConfig.authorize(req.headers.authorization))) {
      sendText(res, 401, 'Unauthorized\n', {'WWW-Authenticate': 'Basic realm="cadv"'})
      return
    }
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
    if (route?.limited) return this.counted(res, route, () => route.handle(req, res, url))
    if (route) return route.handle(req, res, url)
    sendText(res, 404, 'not found\n')
  }

  /** A request of a route that counts against --max-requests with the scrapes; held until its response closes. */
  private async counted(res: ServerResponse, route: Route, work: () => void | Promise<void>): Promise<void> {
    const max = this.options.maxRequests
    if (max > 0 && this.inFlightScrapes >= max) {
      const message = `too many concurrent requests (--max-requests ${max})`
      if (route.refuse) route.refuse(res, 503, message)
      else sendText(res, 503, `${message}\n`)
      return
    }
    this.inFlightScrapes++
    res.once('close', () => this.inFlightScrapes--)
    await work()
  }

  private async scrape(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const max = this.options.maxRequests
    const self = this.options.self
    if (max > 0 && this.inFlightScrapes >= max) {
      self?.scrapes.inc({code: '503'})
      sendText(res, 503, `too many concurrent scrapes (--max-requests ${max})\n`)
      return
    }
    this.inFlightScrapes++
    self?.inFlight.inc()
    res.once('finish', () => self?.scrapes.inc({code: String(res.statusCode)}))
    try {
      // A scrape is in flight from its first byte to its last: one whose request has not fully
      // arrived holds its slot (until --request-timeout), so slow clients count against the limit.
      if (!req.complete) {
        req.resume()
        await new Promise<void>((resolve) => {
          req.once('end', resolve)
          req.once('close', resolve)
        })
        if (res.destroyed) return
      }
      const body = await this.options.source.body(negotiateFormat(req.headers.accept))
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
      const headers: Record<string, string> = {Vary: 'Accept, Accept-Encoding'}
      if (gzip) headers['Content-Encoding'] = 'gzip'
      send(res, 200, body.contentType, gzip ? await body.gzipped() : body.text, headers)
      await new Promise<void>((resolve) => (res.writableFinished ? resolve() : res.once('close', resolve)))
    } finally {
      this.inFlightScrapes--
      self?.inFlight.dec()
    }
  }
}
