/*
 * On the metrics thread: every request that is not a scrape goes to the main thread's routes,
 * over a private socket, after this thread has applied the connection caps, TLS and the web
 * config (auth, rate limit, headers) and taken off --url-base-prefix. The main thread answers
 * as it always did; its answer comes back unchanged but for the hop-by-hop headers.
 */
import {Agent, request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse} from 'node:http'

import {sendText, type Route} from './http.js'

/** Proves to the main thread's private server that a request came through the metrics thread. */
export const FRONT_TOKEN_HEADER = 'x-cadv-front-token'

/** Headers about one connection, not the request (RFC 9110 7.6.1), and Expect (this thread answered it). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect'])

function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase()),
  )
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k) && !named.has(k)) out[k] = v
  return out
}

export interface ProxyTarget {
  socketPath: string
  token: string
  /** Methods the main thread's routes take besides GET and HEAD. */
  methods: readonly string[]
  /** The client connection's idle timeout, given back once a passed-on answer is over. */
  idleTimeoutMs: number
  /** Where a request the main thread could not be asked is told (the client gets a 500). */
  warn?: (message: string) => void
}

/** Attempts for a GET or HEAD whose kept-alive connection was closed under it. */
const ATTEMPTS = 3

export function proxyRoute(target: ProxyTarget): Route & {close(): void} {
  const agent = new Agent({keepAlive: true})
  return {
    matches: () => true,
    methods: target.methods,
    close: () => agent.destroy(),
    handle: (req, res) => pass(req, res, target, agent),
  }
}

function pass(req: IncomingMessage, res: ServerResponse, target: ProxyTarget, agent: Agent): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = req.socket
    const headers = endToEnd(req.headers)
    headers[FRONT_TOKEN_HEADER] = target.token
    // Only these carry no body worth keeping and are safe to ask twice.
    const again = req.method === 'GET' || req.method === 'HEAD'
    // The main thread's own timeouts govern the answer (an event stream has none); this
    // connection's idle timeout applies again once it is over.
    socket.setTimeout(0)
    let settled = false
    let up: ClientRequest | undefined
    const done = (): void => {
      if (settled) return
      settled = true
      if (!socket.destroyed) socket.setTimeout(target.idleTimeoutMs)
      resolve()
    }
    res.once('close', () => {
      // The client went away, or the answer is complete: either way the main thread's side ends.
      if (!res.writableFinished) up?.destroy()
      done()
    })
    const ask = (attempt: number): void => {
      const current = request({socketPath: target.socketPath, agent, method: req.method, path: req.url, headers})
      up = current
      current.on('response', (answer) => {
        const h = endToEnd(answer.headers)
        // The main thread closes after a 408 (the rest of the body would be read as a request).
        if (/\bclose\b/i.test(String(answer.headers.connection ?? ''))) h.connection = 'close'
        res.writeHead(answer.statusCode ?? 502, h)
        // Headers go out as they came: a stream (events) may send nothing else for a long time.
        res.flushHeaders()
        answer.pipe(res)
        answer.once('aborted', () => res.destroy())
        answer.once('error', () => res.destroy())
      })
      current.on('error', (err) => {
        if (settled) return
        // The main thread closes a kept-alive connection after its idle timeout; the agent lets
        // it go a second earlier, but on a loaded host this thread's loop can run late and hand
        // out the connection while the close is still queued. Such a request never reached the
        // routes (no answer came back), so a GET or HEAD is asked again.
        if (again && current.reusedSocket && !res.headersSent && attempt + 1 < ATTEMPTS) return ask(attempt + 1)
        target.warn?.(`request ${req.url}: the main thread did not answer (${err.message})`)
        if (!res.headersSent) sendText(res, 500, 'internal error\n')
        else res.destroy()
        done()
      })
      // A request's body can be passed on once: a retried GET or HEAD goes without it.
      if (attempt === 0) req.pipe(current)
      else current.end()
    }
    ask(0)
  })
}
