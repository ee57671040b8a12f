/*
 * A plain HTTP(S) GET on a new connection, from a chosen local address (127.0.0.2 stands for
 * another client on loopback), and sockets held open doing nothing: the clients of the
 * endpoint's load tests.
 */
import {request as httpRequest} from 'node:http'
import {request as httpsRequest, type RequestOptions} from 'node:https'
import {connect, type Socket} from 'node:net'

export interface Reply {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

/** One GET on a connection of its own; rejects when the connection is refused or reset. */
export function get(
  url: string,
  opts: {auth?: string; localAddress?: string; tls?: Pick<RequestOptions, 'ca' | 'cert' | 'key'>; timeoutMs?: number} = {},
): Promise<Reply> {
  const u = new URL(url)
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        headers: opts.auth ? {Authorization: opts.auth} : {},
        agent: false,
        localAddress: opts.localAddress,
        ...(opts.tls ?? {}),
      },
      (res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => resolve({status: res.statusCode ?? 0, body, headers: res.headers}))
        res.on('error', reject)
      },
    )
    req.setTimeout(opts.timeoutMs ?? 20_000, () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}

/** `count` TCP connections that send nothing, from `localAddress`; resolves once all are connected (or failed). */
export async function idleConnections(port: number, count: number, localAddress = '127.0.0.2'): Promise<Socket[]> {
  const sockets: Socket[] = []
  const batch = 100
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      Array.from({length: Math.min(batch, count - i)}, () => {
        return new Promise<void>((resolve) => {
          const s = connect({host: '127.0.0.1', port, localAddress})
          s.on('error', () => undefined)
          s.once('connect', () => resolve())
          s.once('close', () => resolve())
          sockets.push(s)
        })
      }),
    )
  }
  return sockets
}

/** How many of the sockets the server has not closed. */
export function stillOpen(sockets: readonly Socket[]): number {
  return sockets.filter((s) => !s.destroyed && s.readyState === 'open').length
}
