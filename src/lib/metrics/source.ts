/*
 * What /metrics serves: the container exposition, machine and version series, and the
 * self-metrics, as one body per format. A body is shared by every scrape that arrives while it
 * is current, and its gzip form is made once; so 50 concurrent scrapers cost one render.
 * A body is rebuilt when a container or sample changed (after at most `coalesceMs`, so a burst
 * of scrapes during a housekeeping round shares one render) or when it is older than
 * `maxAgeMs` (container_last_seen and the self-metrics move on).
 */
import {gzip} from 'node:zlib'
import {promisify} from 'node:util'

import type {ContainerView} from '../manager.js'
import type {Exposition} from './exposition.js'
import {CONTENT_TYPES} from './negotiate.js'
import type {SelfMetrics} from './self.js'
import type {ExpositionFormat} from './text.js'

const gzipAsync = promisify(gzip)

export interface Body {
  readonly contentType: string
  readonly text: Buffer
  /** The same body gzip-compressed, made on first use and kept with the body. */
  gzipped(): Promise<Buffer>
}

export interface MetricsSourceOptions {
  /** Containers to expose; absent for an exposition of machine and self-metrics only. */
  view: ContainerView
  exposition: Exposition
  /** Process and runtime metrics; absent with --disable-exporter-metrics. */
  self?: SelfMetrics
  coalesceMs?: number
  maxAgeMs?: number
  /** Baseline for benchmarks: render a fresh body for every scrape. */
  noBodyCache?: boolean
}

interface Built {
  body: Body
  atMs: number
  generation: number
}

export class MetricsSource {
  private generation = 0
  private readonly built = new Map<ExpositionFormat, Promise<Built>>()
  private readonly coalesceMs: number
  private readonly maxAgeMs: number
  private readonly bump = (): void => {
    this.generation++
  }

  constructor(private readonly options: MetricsSourceOptions) {
    this.coalesceMs = options.coalesceMs ?? 100
    this.maxAgeMs = options.maxAgeMs ?? 1000
    options.view.on('add', this.bump)
    options.view.on('delete', this.bump)
    options.view.on('sample', this.bump)
  }

  close(): void {
    this.options.view.off('add', this.bump)
    this.options.view.off('delete', this.bump)
    this.options.view.off('sample', this.bump)
  }

  async body(format: ExpositionFormat): Promise<Body> {
    const now = Date.now()
    const current = this.built.get(format)
    if (current && !this.options.noBodyCache) {
      const b = await current
      const age = Date.now() - b.atMs
      if (age < this.maxAgeMs && (b.generation === this.generation || age < this.coalesceMs)) return b.body
      // Another scrape may have started the rebuild while we waited.
      const latest = this.built.get(format)
      if (latest !== current) return (await latest!).body
    }
    const promise = this.build(format, now)
    this.built.set(format, promise)
    try {
      return (await promise).body
    } catch (err) {
      if (this.built.get(format) === promise) this.built.delete(format)
      throw err
    }
  }

  private async build(format: ExpositionFormat, now: number): Promise<Built> {
    const generation = this.generation
    const containers = this.options.exposition.render(this.options.view.containers(), format, now)
    const self = this.options.self ? await this.options.self.text(format) : ''
    const trailer = format === 'openmetrics' ? '# EOF\n' : ''
    const text = Buffer.from(containers + self + trailer, 'utf8')
    let gz: Promise<Buffer> | undefined
    const body: Body = {
      contentType: CONTENT_TYPES[format],
      text,
      gzipped: () => (gz ??= gzipAsync(text, {level: 1})),
    }
    return {body, atMs: now, generation}
  }
}
