/*
 * Connection caps for `cadv serve`: a total and a per-client-address cap on open connections,
 * so that idle or slow connections cannot take every file descriptor (cgroup reads and the
 * watcher keep a reserve: stats/files.ts descriptorBudget) and one client cannot take every
 * connection. At a cap, an idle connection (no request in progress) is closed to make room,
 * so a client that comes to make a request gets in while idle connections are what pays; only
 * when every connection has a request in progress is the new one refused. Which idle one:
 * first those that never sent a request, then those whose requests were never let in, and only
 * then those that carried an authorised request (a Prometheus server's kept-alive
 * connection); the longest idle first within each.
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

/** 0: never sent a request; 1: sent requests, none let in; 2: carried an authorised request. */
type Rank = 0 | 1 | 2

interface Entry {
  key: string
  socket: Socket
  client: string
  /** Requests in progress on it. */
  busy: number
  rank: Rank
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
  private readonly entries = new Map<string, Entry>()
  /** Per rank, the open connections least recently active first (Map order; activity re-inserts). */
  private readonly ranks: [Map<string, Entry>, Map<string, Entry>, Map<string, Entry>] = [new Map(), new Map(), new Map()]
  private readonly perClient = new Map<string, number>()
  readonly stats: ConnectionStats = {open: 0, refused: 0, evicted: 0}

  constructor(readonly limits: ConnectionLimits) {}

  /** A new TCP connection: admitted (true), or destroyed when no room could be made. */
  admit(socket: Socket): boolean {
    const client = clientAddress(socket)
    const {maxConnections, maxPerClient} = this.limits
    if (maxPerClient > 0 && (this.perClient.get(client) ?? 0) >= maxPerClient && !this.evictIdle(client)) return this.refuse(socket)
    if (maxConnections > 0 && this.entries.size >= maxConnections && !this.evictIdle(undefined)) return this.refuse(socket)
    const key = keyOf(socket)
    const entry: Entry = {key, socket, client, busy: 0, rank: 0}
    this.entries.set(key, entry)
    this.ranks[0].set(key, entry)
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1)
    this.stats.open = this.entries.size
    socket.once('close', () => {
      if (this.entries.get(key) === entry) this.forget(entry)
    })
    return true
  }

  /** A request began on this connection (the raw or the TLS socket). */
  busy(socket: Socket): void {
    const e = this.entries.get(keyOf(socket))
    if (!e) return
    e.busy++
    this.place(e, e.rank === 0 ? 1 : e.rank)
  }

  /** A request on this connection was let in (credentials or client certificate accepted, or no authentication asked). */
  trust(socket: Socket): void {
    const e = this.entries.get(keyOf(socket))
    if (e && e.rank < 2) this.place(e, 2)
  }

  /** A request on this connection is over. */
  idle(socket: Socket): void {
    const e = this.entries.get(keyOf(socket))
    if (!e) return
    e.busy = Math.max(0, e.busy - 1)
    this.place(e, e.rank)
  }

  /**
   * Closes up to `n` connections that have no request in progress (the process ran out of
   * descriptors: give some back). The number closed.
   */
  shed(n: number): number {
    let closed = 0
    while (closed < n && this.evictIdle(undefined)) closed++
    return closed
  }

  /** Moves an entry to the end (most recently active) of its rank's list. */
  private place(e: Entry, rank: Rank): void {
    this.ranks[e.rank].delete(e.key)
    e.rank = rank
    this.ranks[rank].set(e.key, e)
  }

  private forget(e: Entry): void {
    this.entries.delete(e.key)
    this.ranks[e.rank].delete(e.key)
    const n = (this.perClient.get(e.client) ?? 1) - 1
    if (n > 0) this.perClient.set(e.client, n)
    else this.perClient.delete(e.client)
    this.stats.open = this.entries.size
  }

  /** Closes the idle connection that goes first (of `client`, or of anyone); false when none is idle. */
  private evictIdle(client: string | undefined): boolean {
    for (const rank of this.ranks) {
      for (const e of rank.values()) {
        if (e.busy > 0 || (client !== undefined && e.client !== client)) continue
        // Forget it now: 'close' comes later, and the slot is needed at once.
        this.forget(e)
        e.socket.destroy()
        this.stats.evicted++
        return true
      }
    }
    return false
  }

  private refuse(socket: Socket): false {
    this.stats.refused++
    socket.destroy()
    return false
  }
}
