/*
 * What /metrics serves: the container exposition, machine and version series, and the
 * self-metrics, as one body per format, built on the thread that holds the view. Which body a
 * scrape gets (shared, coalesced, a stand-in while a rebuild runs) is body-cache.ts's. The
 * render and the self-metrics run in slices of the event loop (slices.ts).
 */
import type {ContainerView, ExpositionFormat} from '../model/index.js'
import {BodyCache, makeBody, type Body, type BodyCacheOptions, type BodySource, type Built} from './body-cache.js'
import type {Exposition} from './exposition.js'
import {CONTENT_TYPES} from './negotiate.js'
import type {RegistryText} from './self.js'
import {LoopSlices} from './slices.js'

export type {Body} from './body-cache.js'

export interface MetricsSourceOptions extends BodyCacheOptions {
  /** Containers to expose. */
  view: ContainerView
  exposition: Exposition
  /**
   * Metrics appended to the containers': cadv's own (absent with --disable-exporter-metrics,
   * which leaves only the storage drivers' here).
   */
  self?: RegistryText
  /**
   * Where the view's generation is counted: one Int32 that moves on with every add, delete and
   * sample; on a SharedArrayBuffer, the metrics thread reads it to know a body is out of date
   * without a message per sample.
   */
  generation?: Int32Array
}

export class MetricsSource implements BodySource {
  readonly generation: Int32Array
  private readonly cache: BodyCache
  private readonly bump = (): void => {
    Atomics.add(this.generation, 0, 1)
  }

  constructor(private readonly options: MetricsSourceOptions) {
    this.generation = options.generation ?? new Int32Array(1)
    this.cache = new BodyCache(
      (format, now) => this.build(format, now),
      () => Atomics.load(this.generation, 0),
      options,
    )
    options.view.on('add', this.bump)
    options.view.on('delete', this.bump)
    options.view.on('sample', this.bump)
  }

  close(): void {
    this.cache.close()
    this.options.view.off('add', this.bump)
    this.options.view.off('delete', this.bump)
    this.options.view.off('sample', this.bump)
  }

  body(format: ExpositionFormat): Promise<Body> {
    return this.cache.body(format)
  }

  /**
   * A new body of the view as it is now; `now` is container_last_seen's value. Its text is the
   * start of a recycled buffer of its own (body.text.buffer, byteOffset 0), which may be longer,
   * and it holds its bytes until `release` is called: by the body itself once it is retired and
   * no longer read (scrapes on this thread), or by whoever it was handed to (the metrics thread).
   */
  async build(format: ExpositionFormat, now: number): Promise<Built> {
    const generation = Atomics.load(this.generation, 0)
    // One budget for the whole build: the render's first slice continues the self-metrics' last.
    const slices = new LoopSlices()
    // The self-metrics first: the body is written once, whole, so its size is known before.
    const self = this.options.self ? await this.options.self.text(format, slices) : ''
    const trailer = format === 'openmetrics' ? '# EOF\n' : ''
    const tail = Buffer.from(self + trailer, 'utf8')
    const {bytes, release} = await this.options.exposition.renderBodyAsync(this.options.view.containers(), format, now, slices, tail)
    return {body: makeBody(CONTENT_TYPES[format], bytes, () => release()), atMs: now, generation, release}
  }
}
