/*
 * Connection caps for `cadv serve`: a total and a per-client-address cap on open connections,
 * so that idle or slow connections cannot take every file descriptor (cgroup reads and the
 * watcher keep a reserve: stats/files.ts descriptorBudget) and one client cannot take every
 * connection. At a cap, the connection that has been idle longest (no request in progress;
 * never sent one, or between keep-alive requests) is closed to make room, so a client that
 * comes to make a request gets in while idle connections are what pays; only when every
 * connection has a request in progress is the new one refused.
 */
import type {Socket} from 'node:net'

export interface ConnectionLimits {
  /** Open connections in all; 0: no cap. */
  maxConnections: number
  /** Open connections per client address; 0: no cap. */
  maxPerClient: number
}

export interface ConnectionStats {
  open: number
  /** Connections closed at once because every connection at the cap had a request in progress. */
  refused: number
  /** Idle connections closed to make room for a new one. */
  evicted: number
}

interface Entry {
  socket: Socket
  client: string
  /** Requests in progress on it. */
  busy: number
}

/** The client's address, with IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4. */
export function clientAddress(socket: Pick<Socket, 'remoteAddress'>): string {
  const a = socket.remoteAddress ?? 'unknown'
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a
}

/** One TCP connection's key, the same for the raw socket and the TLS socket on top of it. */
function keyOf(socket: Pick<Socket, 'remoteAddress' | 'remotePort' | 'localPort'>): string {
  return `${socket.remoteAddress}|${socket.remotePort}|${socket.localPort}`
}

export class ConnectionGuard {
  /** Open connections by key, least recently active first (Map order; activity re-inserts). */
  private readonly open = new Map<string, Entry>()
  private readonly perClient = new Map<string, number>()
  readonly stats: ConnectionStats = {open: 0, refused: 0, evicted: 0}

  constructor(readonly limits: ConnectionLimits) {}

  /** A new TCP connection: admitted (true), or destroyed when no room could be made. */
  admit(socket: Socket): boolean {
    const client = clientAddress(socket)
    const {maxConnections, maxPerClient} = this.limits
    if (maxPerClient > 0 && (this.perClient.get(client) ?? 0) >= maxPerClient && !this.evictIdle(client)) return this.refuse(socket)
    if (maxConnections > 0 && this.open.size >= maxConnections && !this.evictIdle(undefined)) return this.refuse(socket)
    const key = keyOf(socket)
    this.open.set(key, {socket, client, busy: 0})
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1)
    this.stats.open = this.open.size
    socket.once('close', () => {
      const e = this.open.get(key)
      if (e?.socket !== socket) return
      this.open.delete(key)
      const n = (this.perClient.get(client) ?? 1) - 1
      if (n > 0) this.perClient.set(client, n)
      else this.perClient.delete(client)
      this.stats.open = this.open.size
    })
    return true
  }

  /** A request began on this connection (the raw or the TLS socket). */
  busy(socket: Socket): void {
    const key = keyOf(socket)
    const e = this.open.get(key)
    if (!e) return
    e.busy++
    this.open.delete(key)
    this.open.set(key, e)
  }

  /** A request on this connection is over. */
  idle(socket: Socket): void {
    const key = keyOf(socket)
    const e = this.open.get(key)
    if (!e) return
    e.busy = Math.max(0, e.busy - 1)
    this.open.delete(key)
    this.open.set(key, e)
  }

  /**
   * Closes up to `n` connections that have no request in progress, longest idle first (the
   * process ran out of descriptors: give some back). The number closed.
   */
  shed(n: number): number {
    let closed = 0
    while (closed < n && this.evictIdle(undefined)) closed++
    return closed
  }

  /** Closes the longest-idle connection (of `client`, or of anyone); false when none is idle. */
  private evictIdle(client: string | undefined): boolean {
    for (const [key, e] of this.open) {
      if (e.busy > 0 || (client !== undefined && e.client !== client)) continue
      // Forget it now: 'close' comes later, and the slot is needed at once.
      this.open.delete(key)
      const n = (this.perClient.get(e.client) ?? 1) - 1
      if (n > 0) this.perClient.set(e.client, n)
      else this.perClient.delete(e.client)
      this.stats.open = this.open.size
      e.socket.destroy()
      this.stats.evicted++
      return true
    }
    return false
  }

  private refuse(socket: Socket): false {
    this.stats.refused++
    socket.destroy()
    return false
  }
}
