/*
 * Which body a scrape gets: one body per format, shared by every scrape that arrives while it
 * is current, its gzip form made once. A body is rebuilt when the view changed (its generation
 * moved on) and the body is older than `coalesceMs` (500 ms: every scrape in that window shares
 * one render; samples are themselves up to one housekeeping interval old), or when it is older
 * than `maxAgeMs` (1 s: container_last_seen and the self-metrics move on). While a rebuild runs,
 * scrapes get the previous body if it is younger than `maxStaleMs` (2 s), so under a storm of
 * scrapes only the one that started the render waits for it, and that one for `rebuildWaitMs`
 * (50 ms) at most. Who builds is the caller's: the main thread itself (source.ts), or the main
 * thread for the metrics thread that serves the scrapes (front-worker.ts).
 */
import {gzip} from 'node:zlib'
import {promisify} from 'node:util'

import type {ExpositionFormat} from '../model/index.js'

const gzipAsync = promisify(gzip)

export interface Body {
  readonly contentType: string
  readonly text: Buffer
  /** The same body gzip-compressed, made on first use and kept with the body. */
  gzipped(): Promise<Buffer>
}

/** What serves scrapes needs of the bodies. */
export interface BodySource {
  body(format: ExpositionFormat): Promise<Body>
}

export interface Built {
  body: Body
  atMs: number
  /** The view's generation when the build began. */
  generation: number
}

export interface BodyCacheOptions {
  coalesceMs?: number
  maxAgeMs?: number
  /** Oldest body served while a newer one is being rendered. */
  maxStaleMs?: number
  /**
   * How long the scrape that starts a rebuild waits for it when a body younger than maxStaleMs
   * can stand in (50 ms); then it gets that body and the rebuild goes on for the next scrapes.
   */
  rebuildWaitMs?: number
  /** Baseline for benchmarks: a fresh body for every scrape. */
  noBodyCache?: boolean
}

/** A body with its gzip form made (in libuv's thread pool) when first asked for. */
export function makeBody(contentType: string, text: Buffer): Body {
  let gz: Promise<Buffer> | undefined
  return {contentType, text, gzipped: () => (gz ??= gzipAsync(text, {level: 1}))}
}

/** Per format: the last body built, and the rebuild in progress that scrapes share. */
interface Slot {
  done?: Built
  pending?: Promise<Built>
  /** When the pending rebuild began. */
  sinceMs: number
}

export class BodyCache implements BodySource {
  private readonly slots = new Map<ExpositionFormat, Slot>()
  private readonly coalesceMs: number
  private readonly maxAgeMs: number
  private readonly maxStaleMs: number
  private readonly rebuildWaitMs: number

  constructor(
    private readonly build: (format: ExpositionFormat, nowMs: number) => Promise<Built>,
    /** The view's generation now: it moves on with every add, delete and sample. */
    private readonly generation: () => number,
    private readonly options: BodyCacheOptions = {},
  ) {
    this.coalesceMs = options.coalesceMs ?? 500
    this.maxAgeMs = options.maxAgeMs ?? 1000
    this.maxStaleMs = options.maxStaleMs ?? 2000
    this.rebuildWaitMs = options.rebuildWaitMs ?? 50
  }

  async body(format: ExpositionFormat): Promise<Body> {
    if (this.options.noBodyCache) return (await this.build(format, Date.now())).body
    let slot = this.slots.get(format)
    if (!slot) this.slots.set(format, (slot = {sinceMs: 0}))
    const done = slot.done
    if (done && this.fresh(done)) return done.body
    // Stale or missing. A previous body younger than maxStaleMs may stand in while the rebuild
    // runs: a storm of scrapes never queues behind a render. Its age counts until the rebuild
    // began, however long a busy machine then makes the render take.
    if (slot.pending) {
      if (done && slot.sinceMs - done.atMs < this.maxStaleMs) return done.body
      return (await slot.pending).body
    }
    const now = Date.now()
    const standIn = done && now - done.atMs < this.maxStaleMs ? done.body : undefined
    const s = slot
    s.sinceMs = now
    s.pending = this.build(format, now).then(
      (b) => {
        s.done = b
        s.pending = undefined
        return b
      },
      (err: unknown) => {
        s.pending = undefined
        throw err
      },
    )
    if (!standIn) return (await s.pending).body
    // This scrape started the rebuild: it gets the new body if it comes within rebuildWaitMs,
    // else the stand-in; a render slowed by a busy machine holds up no scrape for long.
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<Body>((resolve) => (timer = setTimeout(() => resolve(standIn), this.rebuildWaitMs)))
    try {
      return await Promise.race([s.pending.then((b) => b.body), late])
    } finally {
      clearTimeout(timer)
    }
  }

  private fresh(b: Built): boolean {
    const age = Date.now() - b.atMs
    return age < this.maxAgeMs && (b.generation === this.generation() || age < this.coalesceMs)
  }
}
