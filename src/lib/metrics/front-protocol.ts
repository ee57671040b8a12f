/*
 * The messages between the main thread and the metrics thread (front.ts, front-worker.ts). The
 * metrics thread owns the listening sockets: it answers the metrics path from the last body the
 * main thread built, so a scrape never waits on the main thread's event loop, and passes every
 * other request to the main thread's routes over a private socket (front-proxy.ts).
 */
import type {ExpositionFormat} from '../model/index.js'
import type {ServerStats} from './server.js'

/** Where and how the endpoint listens: the same on either thread (ServerOptions's fields, and the web config's file). */
export interface ListenSettings {
  listen: readonly string[]
  telemetryPath: string
  telemetryAliases: readonly string[]
  /** Every path served under this prefix (--url-base-prefix, no trailing slash). */
  urlBasePrefix?: string
  webConfigFile?: string
  maxRequests: number
  requestTimeoutMs: number
  bodyTimeoutMs?: number
  maxConnections?: number
  maxConnectionsPerClient?: number
}

/** The listen settings alone, out of a larger object (workerData must not carry the rest: functions do not clone). */
export function listenSettings(s: ListenSettings): ListenSettings {
  return {
    listen: s.listen,
    telemetryPath: s.telemetryPath,
    telemetryAliases: s.telemetryAliases,
    urlBasePrefix: s.urlBasePrefix,
    webConfigFile: s.webConfigFile,
    maxRequests: s.maxRequests,
    requestTimeoutMs: s.requestTimeoutMs,
    bodyTimeoutMs: s.bodyTimeoutMs,
    maxConnections: s.maxConnections,
    maxConnectionsPerClient: s.maxConnectionsPerClient,
  }
}

/** What the metrics thread is started with (workerData). */
export interface FrontSetup extends ListenSettings {
  /** Whether scrapes are counted (self-metrics on). */
  countScrapes: boolean
  /** The view's generation (MetricsSource.generation) and the --max-requests count, shared. */
  generation: Int32Array
  inFlight: Int32Array
  /** The main thread's routes: where, the secret that proves a request came through here, and their methods. */
  routes: {socketPath: string; token: string; methods: readonly string[]}
  /** body-cache.ts's timings (tests shorten them). */
  cache?: {coalesceMs?: number; maxAgeMs?: number; maxStaleMs?: number; rebuildWaitMs?: number; noBodyCache?: boolean}
  /** Nice steps below the process this thread asks for (--metrics-thread-priority; thread-priority.ts). */
  threadPriority?: number
  /** The main thread holds V8's young generation (util/young-generation.ts): the workers this thread starts keep it held. */
  youngGeneration?: boolean
}

/** The metrics thread's counters, sent with every body it asks for (the self-metrics are rendered in that body). */
export interface FrontStats {
  server: ServerStats
  /** Scrapes answered, by status, since start. */
  scrapes: Record<string, number>
  inFlight: number
}

export type ToMain =
  | {type: 'listening'; addresses: Array<{address: string; port: number; family: string}>; tls: boolean; authenticated: boolean}
  | {type: 'failed'; message: string; listen: boolean}
  | {type: 'build'; id: number; format: ExpositionFormat; stats: FrontStats}
  /** The body of `built` `id` is no longer read here: a later body is written into its shared buffer. */
  | {type: 'release'; id: number}
  | {type: 'log' | 'warn'; message: string}
  | {type: 'reloaded'; result: 'reloaded' | 'refused'}
  | {type: 'stopped'}

export type ToFront =
  /**
   * The body is the first `length` bytes of `text` (a recycled buffer is longer than its body):
   * shared with the main thread, which reads it (the next body's columns) but does not write it
   * before `release`; or a copy, transferred.
   */
  | {
      type: 'built'
      id: number
      text: ArrayBuffer | SharedArrayBuffer
      length: number
      contentType: string
      atMs: number
      generation: number
    }
  | {type: 'build-failed'; id: number; message: string}
  | {type: 'reload'}
  /** The main thread holds the young generation now (serve does once the containers found at start were read). */
  | {type: 'hold-young-generation'}
  | {type: 'stop'; graceMs: number}
