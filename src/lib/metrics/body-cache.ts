/*
 * Which body a scrape gets: one body per format, shared by every scrape that arrives while it
 * is current, its gzip form made once. A body is rebuilt when the view changed (its generation
 * moved on) and the body is older than `coalesceMs` (500 ms: every scrape in that window shares
 * one render; samples are themselves up to one housekeeping interval old), or when it is older
 * than `maxAgeMs` (1 s: container_last_seen and the self-metrics move on). While a rebuild runs,
 * scrapes get the previous body if it was ready less than `maxStaleMs` (2 s) before, so under a
 * storm of scrapes only the one that started the render waits for it, and that one for
 * `rebuildWaitMs` (50 ms) at most. That time counts from when the body was ready, not from when
 * its build began: on a busy machine a render and its gzip take seconds, and a body counted
 * from its start arrived too old to stand in for the next one, so every scrape of the next
 * rebuild waited for all of it (traced at load 11 to 18: 50 scrapes at once, 0.3 to 0.9 s each,
 * one or two times in each 10 s run, most of the p99). Under a flood of scrapes (more than `floodScrapes`, 50, on the body in hand)
 * the view moving on no longer cuts a body's life short: it lives its `maxAgeMs`, which halves
 * the renders and compressions a storm pays for (their CPU is taken from the scrapes on a busy
 * machine), while a scraper every few seconds still gets a body begun after its last scrape.
 * Who builds is the caller's: the main thread itself (source.ts), or the main
 * thread for the metrics thread that serves the scrapes (front-worker.ts).
 *
 * Two things keep a scrape from waiting on work it did not need to wait for:
 * - When scrapes asked for the gzip form of a body, the next body of that format is compressed
 *   before it replaces the old one: no scrape waits for a new body's first gzip (while it is
 *   made, the old body still serves).
 * - A scraper that comes back at a steady interval longer than a body lives (Prometheus every
 *   15 s) would otherwise find every body stale and wait for a whole render and gzip (seconds at
 *   10,000 containers on a busy machine). The next body is built ahead, to be ready shortly
 *   before the scrape is due (the last build's duration, with a margin); that scrape gets it,
 *   as fresh as a body it had waited for. One build per scrape interval, as before; a scraper
 *   that does not come back costs one build. When the gaps between scrapes vary (a scraper
 *   slowed by its own load, two scrapers), the body is planned for the shortest of the last few
 *   gaps and stays good until the longest: a scrape that came sooner than the last gap found
 *   no body begun yet, one that came later found it too old, and each waited for a whole build.
 *   Either way a scrape gets a body begun after the scrape before it.
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
  /** Whether its gzip form has been asked for. */
  readonly gzipAsked: boolean
  /** The length of its gzip form once made (0 before). */
  readonly gzipBytes: number
  /**
   * A use of `text` begins (a scrape writing it): its buffer is not recycled before the function
   * returned is called. Call it in the same turn as the body was got (a body just replaced is
   * recycled a turn after its last use ends, at the earliest).
   */
  hold(): () => void
  /** No scrape gets this body any more (a newer one took its place): once its last use ends, its buffer is recycled. */
  retire(): void
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
  /**
   * body.text is the start of a recycled buffer no other body uses (MetricsSource.build()),
   * held until this is called: by the body once retired and no longer read, or by the thread
   * it was handed to (whichever comes first lets it go; the other call does nothing).
   */
  release?: () => void
}

export interface BodyCacheOptions {
  coalesceMs?: number
  maxAgeMs?: number
  /** Longest after it was ready that a body is served while a newer one is being rendered. */
  maxStaleMs?: number
  /**
   * How long the scrape that starts a rebuild waits for it when a body ready less than maxStaleMs
   * ago can stand in (50 ms); then it gets that body and the rebuild goes on for the next scrapes.
   */
  rebuildWaitMs?: number
  /** Baseline for benchmarks: a fresh body for every scrape. */
  noBodyCache?: boolean
  /** Build bodies ahead of a scraper that comes back at a steady interval (default true). */
  buildAhead?: boolean
  /** Called with a body once a newer one has taken its place (the metrics thread frees them: body-garbage.ts). */
  replaced?: (body: Body) => void
  /** Scrapes of one body past which they are a flood, and the body lives maxAgeMs whatever the view does (50). */
  floodScrapes?: number
}

/**
 * A body with its gzip form made (in libuv's thread pool) when first asked for. With `recycle`,
 * `text` is given to it once the body is retired and no use of it is left (a write to a socket
 * through hold(), its compression): a later body is written into that buffer.
 */
export function makeBody(contentType: string, text: Buffer, recycle?: (text: Buffer) => void): Body {
  let gz: Promise<Buffer> | undefined
  let gzipBytes = 0
  let uses = 0
  let retired = false
  let recycled = false
  // A turn later: whoever got this body in the turn it was retired holds it by then.
  const later = (): void => {
    setImmediate(() => {
      if (uses > 0 || recycled) return
      recycled = true
      recycle!(text)
    })
  }
  const end = (): void => {
    if (--uses === 0 && retired) later()
  }
  return {
    contentType,
    text,
    gzipped: () => {
      if (gz) return gz
      uses++
      gz = gzipAsync(text, {level: 1})
      gz.then((b) => {
        gzipBytes = b.length
        end()
      }, end)
      return gz
    },
    get gzipAsked() {
      return gz !== undefined
    },
    get gzipBytes() {
      return gzipBytes
    },
    hold: () => {
      uses++
      let ended = false
      return () => {
        if (ended) return
        ended = true
        end()
      }
    },
    retire: () => {
      if (!recycle || retired) return
      retired = true
      if (uses === 0) later()
    },
  }
}

/** Ahead builds are planned for scrapers that come back at most this long after the last scrape. */
const AHEAD_MAX_GAP_MS = 5 * 60_000
/** Margin of an ahead build over the last build's duration: ready this much before the scrape, and half as much again. */
const AHEAD_MARGIN_MS = 250
/** Gaps between scrapes an ahead build is planned from: the shortest of the last this many, good until the longest. */
const AHEAD_GAPS = 4

/** Per format: the last body built, and the rebuild in progress that scrapes share. */
interface Slot {
  done?: Built
  pending?: Promise<Built>
  /** When the pending rebuild began. */
  sinceMs: number
  /** How long the last build took, with its gzip, ms. */
  buildMs: number
  /** The last scrape of this format (Date.now()). */
  lastScrapeMs?: number
  /** The last few gaps between scrapes (at most AHEAD_GAPS, oldest first) that ahead builds are planned for. */
  gaps: number[]
  /** The build ahead of the next expected scrape, how early it began, and how much later than planned the scrape may come. */
  aheadTimer?: NodeJS.Timeout
  leadMs: number
  spreadMs: number
  /** When `done` was built ahead: when it was ready. */
  aheadReadyMs?: number
  /** When `done` was ready (it replaced the body before it). */
  readyMs: number
  /** Scrapes `done` answered. */
  served: number
}

export class BodyCache implements BodySource {
  private readonly slots = new Map<ExpositionFormat, Slot>()
  private readonly coalesceMs: number
  private readonly maxAgeMs: number
  private readonly maxStaleMs: number
  private readonly rebuildWaitMs: number
  private readonly floodScrapes: number
  private closed = false

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
    this.floodScrapes = options.floodScrapes ?? 50
  }

  /** Stops the builds planned ahead. */
  close(): void {
    for (const slot of this.slots.values()) clearTimeout(slot.aheadTimer)
    this.closed = true
  }

  async body(format: ExpositionFormat): Promise<Body> {
    if (this.options.noBodyCache) return (await this.build(format, Date.now())).body
    let slot = this.slots.get(format)
    if (!slot) this.slots.set(format, (slot = {sinceMs: 0, buildMs: 0, gaps: [], leadMs: 0, spreadMs: 0, served: 0, readyMs: 0}))
    const now = Date.now()
    const previousScrapeMs = slot.lastScrapeMs
    this.planAhead(format, slot, now)
    const done = slot.done
    if (done && (this.fresh(done, slot) || this.readyAhead(slot, done, now, previousScrapeMs))) {
      slot.served++
      return done.body
    }
    // Stale or missing. A previous body ready less than maxStaleMs ago may stand in while the
    // rebuild runs: a storm of scrapes never queues behind a render. Its age counts until the
    // rebuild began, however long a busy machine then makes the render take.
    if (slot.pending) {
      if (done && slot.sinceMs - slot.readyMs < this.maxStaleMs) {
        slot.served++
        return done.body
      }
      return (await slot.pending).body
    }
    const standIn = done && now - slot.readyMs < this.maxStaleMs ? done.body : undefined
    const s = slot
    this.rebuild(format, s, now, false)
    if (!standIn) return (await s.pending!).body
    // This scrape started the rebuild: it gets the new body if it comes within rebuildWaitMs,
    // else the stand-in; a render slowed by a busy machine holds up no scrape for long.
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<Body>((resolve) => (timer = setTimeout(() => resolve(standIn), this.rebuildWaitMs)))
    try {
      return await Promise.race([s.pending!.then((b) => b.body), late])
    } finally {
      clearTimeout(timer)
    }
  }

  private rebuild(format: ExpositionFormat, s: Slot, now: number, ahead: boolean): void {
    s.sinceMs = now
    const began = performance.now()
    const previous = s.done
    s.pending = this.build(format, now).then(
      async (b) => {
        // Scrapes took the last body gzipped: so will they this one, and none should wait for it.
        if (previous?.body.gzipAsked) await b.body.gzipped()
        s.buildMs = performance.now() - began
        const old = s.done
        s.done = b
        if (old !== undefined) {
          this.options.replaced?.(old.body)
          old.body.retire()
        }
        s.served = 0
        s.readyMs = Date.now()
        s.aheadReadyMs = ahead ? s.readyMs : undefined
        s.pending = undefined
        return b
      },
      (err: unknown) => {
        s.pending = undefined
        throw err
      },
    )
  }

  /**
   * Whether the body was built ahead for the scrape now: ready no longer ago than it was begun
   * early, plus how much later than the shortest recent gap the scrape may come, and a margin
   * (or maxAgeMs); and begun after the scrape before, so never the body that scrape had.
   */
  private readyAhead(s: Slot, b: Built, now: number, previousScrapeMs: number | undefined): boolean {
    if (s.aheadReadyMs === undefined || (previousScrapeMs !== undefined && b.atMs <= previousScrapeMs)) return false
    return now - s.aheadReadyMs < Math.max(this.maxAgeMs, s.leadMs + s.spreadMs + AHEAD_MARGIN_MS)
  }

  /**
   * Records a scrape; when the last one came longer ago than a body lives (and not much longer),
   * plans the next body to be ready shortly before the next scrape, expected as soon as the
   * shortest of the last few gaps. It begins at least maxAgeMs / 2 after this scrape.
   */
  private planAhead(format: ExpositionFormat, s: Slot, now: number): void {
    const gap = s.lastScrapeMs === undefined ? 0 : now - s.lastScrapeMs
    s.lastScrapeMs = now
    if (this.options.buildAhead === false || this.closed) return
    if (gap > AHEAD_MAX_GAP_MS) s.gaps.length = 0
    if (gap <= this.maxAgeMs || gap > AHEAD_MAX_GAP_MS) return
    s.gaps.push(gap)
    if (s.gaps.length > AHEAD_GAPS) s.gaps.shift()
    const soonest = Math.min(...s.gaps)
    const spread = Math.max(...s.gaps) - soonest
    clearTimeout(s.aheadTimer)
    const lead = Math.min(soonest - this.maxAgeMs / 2, s.buildMs * 1.5 + AHEAD_MARGIN_MS)
    s.aheadTimer = setTimeout(() => {
      s.aheadTimer = undefined
      if (this.closed || s.pending) return
      s.leadMs = lead
      s.spreadMs = spread
      this.rebuild(format, s, Date.now(), true)
      // Nobody waits on this build: a failure is the next scrape's to see.
      s.pending!.catch(() => {})
    }, soonest - lead)
    s.aheadTimer.unref()
  }

  private fresh(b: Built, s: Slot): boolean {
    const age = Date.now() - b.atMs
    if (age >= this.maxAgeMs) return false
    return b.generation === this.generation() || age < this.coalesceMs || s.served >= this.floodScrapes
  }
}
