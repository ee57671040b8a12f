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
import {SpareBuffers} from './spare-buffers.js'

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
  /**
   * Buffers of bodies given back by the metrics thread (recycle()), for the next bodies: up to
   * two per format in use (the body a scrape gets, the one built next). Bodies served on this
   * thread are not given back (nothing here knows when a scrape is done with one).
   */
  private readonly spares = new SpareBuffers(4)
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
   * start of a buffer of its own (body.text.buffer, byteOffset 0), which may be longer: the
   * metrics thread is handed that whole buffer and gives it back with recycle().
   */
  async build(format: ExpositionFormat, now: number): Promise<Built> {
    const generation = Atomics.load(this.generation, 0)
    // One budget for the whole build: the self-metrics' first slice continues the render's last.
    const slices = new LoopSlices()
    const {parts, release} = await this.options.exposition.renderPartsAsync(this.options.view.containers(), format, now, slices)
    try {
      const self = this.options.self ? await this.options.self.text(format, slices) : ''
      const trailer = format === 'openmetrics' ? '# EOF\n' : ''
      parts.push(Buffer.from(self + trailer, 'utf8'))
      // One copy of the columns into the body (the body is handed to the metrics thread whole).
      let size = 0
      for (const p of parts) size += p.length
      const whole = this.spares.take(size)
      let at = 0
      for (const p of parts) at += p.copy(whole, at)
      return {body: makeBody(CONTENT_TYPES[format], whole.subarray(0, size)), atMs: now, generation, ownBuffer: true}
    } finally {
      release()
    }
  }

  /** A body's buffer (body.text.buffer of a build()) that nothing reads any more: a later body is written into it. */
  recycle(buffer: ArrayBuffer): void {
    this.spares.give(Buffer.from(buffer))
  }
}
