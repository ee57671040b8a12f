/*
 * A unix socket that accepts connections and never says a word: a hung runtime daemon, for
 * testing that a call costs at most its timeout and that the endpoint then rests.
 */
import {createServer, type Socket} from 'node:net'

export interface HungSocket {
  /** The socket's path (prefix `unix://` for an endpoint flag). */
  path: string
  close(): Promise<void>
}

export async function startHungSocket(path: string): Promise<HungSocket> {
  const sockets = new Set<Socket>()
  const server = createServer((s) => {
    sockets.add(s) // hold it open, say nothing
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(path, r))
  return {
    path,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((r) => server.close(r))
    },
  }
}
