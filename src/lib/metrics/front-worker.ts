/*
 * The metrics thread (started by front.ts): it owns the listening sockets, the connection caps,
 * TLS and the web config, and answers the metrics path from the bodies the main thread builds
 * and hands over (transferred, not copied); it makes their gzip form itself. So a scrape waits
 * on the main thread only when no body young enough to stand in exists (body-cache.ts), never
 * because the main thread is busy (a rescan of a large host, garbage collection). Every other
 * request is passed to the main thread's routes (front-proxy.ts).
 */
import {parentPort, workerData} from 'node:worker_threads'

import type {ExpositionFormat} from '../model/index.js'
import {holdYoungGeneration} from '../util/index.js'
import {BodyCache, makeBody, type Built} from './body-cache.js'
import {BodyGarbage, fullCollection, ownedBytes} from './body-garbage.js'
import {listenSettings, type FrontSetup, type FrontStats, type ToFront, type ToMain} from './front-protocol.js'
import {proxyRoute} from './front-proxy.js'
import {ListenError, MetricsServer, type ScrapeCounters} from './server.js'
import {raiseThreadPriority} from './thread-priority.js'
import {WebConfigWatcher} from './web-config.js'

const setup = workerData as FrontSetup
const port = parentPort!
const send = (m: ToMain): void => port.postMessage(m)
// This thread's workers (bcrypt, auth.ts) must keep the main thread's young generation held.
if (setup.youngGeneration === true) holdYoungGeneration()

/** The scrape counters, kept here and sent to the main thread with each body asked for. */
const tally = {scrapes: {} as Record<string, number>, inFlight: 0}
const counters: ScrapeCounters = {
  scrapes: {inc: ({code}) => void (tally.scrapes[code] = (tally.scrapes[code] ?? 0) + 1)},
  inFlight: {inc: () => void tally.inFlight++, dec: () => void tally.inFlight--},
}

let nextId = 1
const waiting = new Map<number, {resolve: (b: Built) => void; reject: (e: Error) => void}>()

function build(format: ExpositionFormat): Promise<Built> {
  const id = nextId++
  const stats: FrontStats = {server: server.stats(), scrapes: {...tally.scrapes}, inFlight: tally.inFlight}
  return new Promise<Built>((resolve, reject) => {
    waiting.set(id, {resolve, reject})
    send({type: 'build', id, format, stats})
  })
}

const gc = fullCollection()
const garbage = gc ? new BodyGarbage(gc) : undefined
if (!gc) send({type: 'log', message: 'metrics thread: V8 refused a full collection; replaced bodies wait for its own'})
const cache = new BodyCache(build, () => Atomics.load(setup.generation, 0), {
  ...setup.cache,
  replaced: (body) => garbage?.replaced(ownedBytes(body)),
})
const webConfig = setup.webConfigFile ? new WebConfigWatcher(setup.webConfigFile) : undefined
const proxy = proxyRoute({
  ...setup.routes,
  idleTimeoutMs: setup.requestTimeoutMs,
  warn: (message) => send({type: 'warn', message}),
})
const server = new MetricsServer({
  ...listenSettings(setup),
  source: cache,
  self: setup.countScrapes ? counters : undefined,
  inFlight: setup.inFlight,
  routes: [proxy],
  // Nothing else waits on this thread's event loop but other scrapes: a body goes out in one
  // write (the kernel takes what the socket holds at once, Node queues the rest).
  wholeBodies: true,
  webConfig,
  log: (message) => send({type: 'log', message}),
  warn: (message) => send({type: 'warn', message}),
})

port.on('message', (m: ToFront) => {
  switch (m.type) {
    case 'built': {
      const w = waiting.get(m.id)
      waiting.delete(m.id)
      const text = Buffer.from(m.text, 0, m.length)
      // Replaced and no longer written or compressed: the main thread may write a later body
      // into its shared buffer. Nothing here reads it after this (body-cache.ts's hold and retire).
      const back = (): void => send({type: 'release', id: m.id})
      w?.resolve({body: makeBody(m.contentType, text, back), atMs: m.atMs, generation: m.generation})
      break
    }
    case 'build-failed': {
      const w = waiting.get(m.id)
      waiting.delete(m.id)
      w?.reject(new Error(m.message))
      break
    }
    case 'reload':
      send({type: 'reloaded', result: webConfig!.reload() ? 'reloaded' : 'refused'})
      break
    case 'hold-young-generation':
      holdYoungGeneration()
      break
    case 'stop':
      cache.close()
      garbage?.close()
      void server.stop(m.graceMs).then(() => {
        proxy.close()
        send({type: 'stopped'})
      })
      break
  }
})

// Before the first scrape; refused without the privilege, and then nothing changes.
raiseThreadPriority(setup.threadPriority ?? 0)

try {
  const addresses = await server.start()
  const config = webConfig?.current()
  send({
    type: 'listening',
    addresses: addresses.map((a) => ({address: a.address, port: a.port, family: a.family})),
    tls: config?.tls !== undefined,
    authenticated: config?.users !== undefined || config?.tls?.clientAuth === 'RequireAndVerifyClientCert',
  })
} catch (err) {
  send({type: 'failed', message: (err as Error).message, listen: err instanceof ListenError})
}
