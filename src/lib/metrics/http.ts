import type {IncomingMessage, ServerResponse} from 'node:http'

/** Writes a whole response with its length; HEAD gets the headers only. */
export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body
  res.writeHead(status, {'Content-Type': type, 'Content-Length': String(buf.length), ...headers})
  res.end(res.req.method === 'HEAD' ? undefined : buf)
}

/** Bodies larger than this go out a piece per turn of the event loop (sendInPieces). */
export const PIECE_BYTES = 256 * 1024

/**
 * `send` for a large body: one piece per turn of the event loop, and none while the socket is
 * full. A write hands the kernel as much as the socket takes at once (megabytes on loopback),
 * so 50 scrapes of a 3 MB body written whole copy 150 MB while every other request waits.
 * Resolves once the last piece is handed over, or the client has gone.
 */
export async function sendInPieces(
  res: ServerResponse,
  status: number,
  type: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<void> {
  if (body.length <= PIECE_BYTES || res.req.method === 'HEAD') return send(res, status, type, body, headers)
  res.writeHead(status, {'Content-Type': type, 'Content-Length': String(body.length), ...headers})
  for (let at = 0; ; at += PIECE_BYTES) {
    if (res.destroyed) return
    const piece = body.subarray(at, at + PIECE_BYTES)
    if (at + PIECE_BYTES >= body.length) {
      res.end(piece)
      return
    }
    if (res.write(piece)) await new Promise((resolve) => setImmediate(resolve))
    else await drainedOrClosed(res)
  }
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.once('drain', done)
    res.once('close', done)
  })
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`)
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  send(res, status, 'text/plain; charset=utf-8', text, headers)
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * One page or API of `cadv serve` besides the metrics path. The server has already applied the
 * web config (TLS client check, rate limit, basic auth) and allowed only GET, HEAD and the
 * route's own `methods`.
 */
export interface Route {
  /** True when this route answers the path. */
  matches(path: string): boolean
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void | Promise<void>
  /** Methods it takes besides GET and HEAD (cAdvisor's v1 API reads POST bodies). */
  readonly methods?: readonly string[]
  /** Its requests count against --max-requests with the scrapes, until their response closes. */
  readonly limited?: boolean
  /** How it says no when the server refuses a request (503 over --max-requests); default plain text. */
  refuse?(res: ServerResponse, status: number, message: string): void
}
