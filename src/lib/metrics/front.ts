/*
 * `cadv serve`'s HTTP side on a thread of its own (front-worker.ts), and the main thread's half:
 * it builds each body the metrics thread asks for and hands it over (transferred, not copied),
 * and answers the other routes on a private socket that only the metrics thread can use (an
 * abstract Unix socket, each request carrying a per-process secret).
 */
import {randomBytes, timingSafeEqual} from 'node:crypto'
import {createServer} from 'node:http'
import {Worker} from 'node:worker_threads'

import type {ExpositionFormat} from '../model/index.js'
import {keepYoungGenerationAcross, whenYoungGenerationHeld, youngGenerationHeld} from '../util/index.js'
import {listenSettings, type FrontSetup, type FrontStats, type ToFront, type ToMain} from './front-protocol.js'
import {FRONT_TOKEN_HEADER} from './front-proxy.js'
import type {Route} from './http.js'
import type {SelfMetrics} from './self.js'
import {httpOptions, ListenError, MetricsServer, type ServerStats} from './server.js'
import type {MetricsSource} from './source.js'
import {startCompilingConcurrently} from './worker-compiles.js'

/**
 * The worker's code: it loads front-worker.js, built. Run from the sources (the tests, under
 * tsx) it is front-worker.ts, and a worker does not inherit the parent's module hooks: tsx's
 * are registered in the worker first (tsx is a development dependency; built code never gets here).
 */
const WORKER_SOURCE = `
const {module} = require('node:worker_threads').workerData
const hooks = module.endsWith('.ts') ? import('tsx/esm/api').then((tsx) => tsx.register()) : Promise.resolve()
hooks.then(() => import(module))
`

export interface FrontOptions extends Omit<FrontSetup, 'generation' | 'inFlight' | 'routes' | 'countScrapes'> {
  source: MetricsSource
  routes: readonly Route[]
  self?: SelfMetrics
  log: (message: string) => void
  warn?: (message: string) => void
}

export interface Front {
  addresses: Array<{address: string; port: number; family: string}>
  tls: boolean
  /** Basic auth or verified client certificates in force. */
  authenticated: boolean
  /** The metrics thread's server counters as of its last body request, with the main thread's. */
  stats(): ServerStats
  reloadWebConfig(): Promise<'reloaded' | 'refused'>
  stop(graceMs: number): Promise<void>
}

/**
 * Where a body's bytes are for the metrics thread: the SharedArrayBuffer they were written into
 * (exposition.ts, sharedBodies), from its start, which the main thread reads again as the next
 * body's columns but never writes before the metrics thread gives it back; else a copy of them,
 * transferred.
 */
function handOver(b: Buffer): {text: ArrayBuffer | SharedArrayBuffer; shared: boolean} {
  if (b.byteOffset === 0 && b.buffer instanceof SharedArrayBuffer) return {text: b.buffer, shared: true}
  const ab = new ArrayBuffer(b.length)
  new Uint8Array(ab).set(b)
  return {text: ab, shared: false}
}

/**
 * The metrics thread ended on its own: nothing listens any more. The process ends as it would
 * had the error happened on the main thread, rather than live on without its endpoint.
 */
function crash(err: Error): void {
  setImmediate(() => {
    throw err
  })
}

export async function startFront(options: FrontOptions): Promise<Front> {
  const token = randomBytes(32).toString('hex')
  const expected = Buffer.from(token)
  const inFlight = new Int32Array(new SharedArrayBuffer(4))
  // The main thread's routes, as they always were, minus what the metrics thread did already.
  const routes = new MetricsServer({
    listen: [],
    telemetryPath: options.telemetryPath,
    source: options.source,
    inFlight,
    routes: options.routes,
    maxRequests: options.maxRequests,
    requestTimeoutMs: options.requestTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs,
    log: options.log,
    warn: options.warn,
  })
  const inner = createServer(httpOptions(options.requestTimeoutMs), (req, res) => {
    const given = Buffer.from(String(req.headers[FRONT_TOKEN_HEADER] ?? ''))
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      req.socket.destroy()
      return
    }
    delete req.headers[FRONT_TOKEN_HEADER]
    routes.handler(req, res)
  })
  inner.timeout = options.requestTimeoutMs
  const socketPath = `\0cadv-${process.pid}-${randomBytes(8).toString('hex')}`
  await new Promise<void>((resolve, reject) => {
    inner.once('error', reject)
    inner.listen(socketPath, () => {
      inner.off('error', reject)
      resolve()
    })
  })
  routes.adopt(inner)

  const generation = options.source.generation
  if (!(generation.buffer instanceof SharedArrayBuffer)) throw new Error('the metrics source must count generations on a SharedArrayBuffer')
  const setup: FrontSetup & {module: string} = {
    module: import.meta.resolve('./front-worker.js'),
    ...listenSettings(options),
    countScrapes: options.self !== undefined,
    generation,
    inFlight,
    routes: {socketPath, token, methods: [...new Set(options.routes.flatMap((r) => r.methods ?? []))]},
    cache: options.cache,
    threadPriority: options.threadPriority,
    youngGeneration: youngGenerationHeld(),
  }
  // None of the parent's node flags: V8 flags (serve's --optimize-for-size, --no-…) are the
  // process's and refused per worker, --inspect would open a second debugger port, and the one
  // module hook it may need (tsx, from the sources) it registers itself.
  // Its hot functions are compiled on V8's helpers, not on it, whatever the process's flag (worker-compiles.ts).
  const worker = startCompilingConcurrently(() => new Worker(WORKER_SOURCE, {eval: true, execArgv: [], workerData: setup}))
  keepYoungGenerationAcross(worker)
  const post = (m: ToFront, transfer: ArrayBuffer[] = []): void => worker.postMessage(m, transfer)

  let front: FrontStats | undefined
  const seenScrapes = new Map<string, number>()
  const mirror = (s: FrontStats): void => {
    front = s
    const self = options.self
    if (!self) return
    for (const [code, n] of Object.entries(s.scrapes)) {
      const before = seenScrapes.get(code) ?? 0
      if (n > before) self.scrapes.inc({code}, n - before)
      seenScrapes.set(code, n)
    }
    self.inFlight.set(s.inFlight)
  }
  /** Bodies the metrics thread has, shared: each one's release, called when it gives the body back. */
  const lent = new Map<number, () => void>()
  const build = async (id: number, format: ExpositionFormat): Promise<void> => {
    try {
      const b = await options.source.build(format, Date.now())
      const {text, shared} = handOver(b.body.text)
      if (shared && b.release) lent.set(id, b.release)
      else b.release?.()
      const m: ToFront = {
        type: 'built',
        id,
        text,
        length: b.body.text.length,
        contentType: b.body.contentType,
        atMs: b.atMs,
        generation: b.generation,
      }
      post(m, shared ? [] : [text as ArrayBuffer])
    } catch (err) {
      post({type: 'build-failed', id, message: (err as Error).message})
    }
  }

  // Held later (serve, once the containers found at start were read): the workers the metrics thread starts keep it held too.
  if (!youngGenerationHeld()) whenYoungGenerationHeld(() => post({type: 'hold-young-generation'}))

  let onReloaded: ((r: 'reloaded' | 'refused') => void)[] = []
  let onStopped: (() => void) | undefined
  let started: {resolve: (m: ToMain & {type: 'listening'}) => void; reject: (e: Error) => void} | undefined
  const listening = new Promise<ToMain & {type: 'listening'}>((resolve, reject) => (started = {resolve, reject}))
  worker.on('message', (m: ToMain) => {
    switch (m.type) {
      case 'listening':
        started?.resolve(m)
        break
      case 'failed':
        started?.reject(m.listen ? new ListenError(m.message) : new Error(m.message))
        break
      case 'build':
        mirror(m.stats)
        void build(m.id, m.format)
        break
      case 'release':
        lent.get(m.id)?.()
        lent.delete(m.id)
        break
      case 'log':
        options.log(m.message)
        break
      case 'warn':
        ;(options.warn ?? options.log)(m.message)
        break
      case 'reloaded': {
        const [first, ...rest] = onReloaded
        onReloaded = rest
        first?.(m.result)
        break
      }
      case 'stopped':
        onStopped?.()
        break
    }
  })
  let ended = false
  let stopping = false
  let listened = false
  worker.on('error', (err) => {
    if (!listened) started?.reject(err)
    else if (!stopping) crash(err)
  })
  worker.once('exit', (code) => {
    ended = true
    if (!listened) started?.reject(new Error(`the metrics thread exited (${code}) before listening`))
    else if (!stopping) crash(new Error(`the metrics thread exited (${code})`))
    onStopped?.()
  })

  let ready: ToMain & {type: 'listening'}
  try {
    ready = await listening
    listened = true
  } catch (err) {
    await worker.terminate()
    await routes.stop(0)
    throw err
  }
  return {
    addresses: ready.addresses,
    tls: ready.tls,
    authenticated: ready.authenticated,
    stats() {
      const own = routes.stats()
      if (!front) return own
      return {...front.server, bodyTimeouts: front.server.bodyTimeouts + own.bodyTimeouts}
    },
    reloadWebConfig() {
      return new Promise((resolve) => {
        onReloaded.push(resolve)
        post({type: 'reload'})
      })
    },
    async stop(graceMs) {
      stopping = true
      if (!ended) {
        await new Promise<void>((resolve) => {
          onStopped = resolve
          post({type: 'stop', graceMs})
        })
        await worker.terminate()
      }
      await routes.stop(Math.min(graceMs, 1000))
    },
  }
}
