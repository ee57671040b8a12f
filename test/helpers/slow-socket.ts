/*
 * A runtime made slow on purpose: a unix-socket proxy in front of a real daemon's socket
 * (dockerd, podman's API service, containerd's gRPC) that holds every connection made within
 * `holdMs` of its first one until well past the client's timeout, then passes it through;
 * connections made later pass at once. The window starts at the first connection, not at the
 * proxy's start, so a client slow to start on a loaded machine still meets it. Bytes are copied untouched both ways, so any protocol works.
 */
import {createConnection, createServer, type Server, type Socket} from 'node:net'
import {rmSync} from 'node:fs'

export interface SlowSocket {
  path: string
  /** Connections held so far. */
  readonly held: number
  /** Connections passed through at once. */
  readonly passed: number
  close(): Promise<void>
}

/** Starts the proxy at `path` in front of `upstream` (a socket path). */
export async function startSlowSocket(path: string, upstream: string, holdMs: number): Promise<SlowSocket> {
  rmSync(path, {force: true})
  let first: number | undefined
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let held = 0
  let passed = 0
  const pipe = (client: Socket): void => {
    if (client.destroyed) return
    const up = createConnection(upstream)
    sockets.add(up)
    up.on('close', () => sockets.delete(up))
    client.pipe(up)
    up.pipe(client)
    up.on('error', () => client.destroy())
    client.on('error', () => up.destroy())
    client.on('close', () => up.destroy())
  }
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => undefined)
    const now = Date.now()
    const wait = (first ??= now) + holdMs - now
    if (wait <= 0) {
      passed++
      pipe(client)
      return
    }
    // Held: nothing reaches the daemon until the hold is over, and then some.
    held++
    client.pause()
    const t = setTimeout(() => {
      timers.delete(t)
      pipe(client)
    }, wait + holdMs)
    timers.add(t)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => resolve())
  })
  return {
    path,
    get held() {
      return held
    },
    get passed() {
      return passed
    },
    async close() {
      for (const t of timers) clearTimeout(t)
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(path, {force: true})
    },
  }
}
