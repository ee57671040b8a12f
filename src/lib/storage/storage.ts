/*
 * The storage drivers of one `cadv serve`: each with its own delivery (queue, batches, retries),
 * fed from the view's `sample` events. The event handler only notes the sample; encoding runs
 * on a later turn of the event loop, after the housekeeping tick that stored it, so a driver
 * never lengthens a tick.
 */
import type {Registry} from 'prom-client'

import {podIndexOf, type PodIndex} from '../metrics/index.js'
import type {ContainerState, ContainerView, Sample} from '../model/index.js'
import {Delivery, type DeliveryStats, type RetryPolicy} from './delivery.js'
import type {EncodeContext, StorageDriver} from './driver.js'
import {registerStorageMetrics} from './metrics.js'

const POD_INDEX_MAX_AGE_MS = 1000

export interface StorageOptions {
  bufferDurationMs: number
  /** Per driver: most bytes of encoded samples held. */
  limitBytes: number
  retry?: RetryPolicy
  /** Lines the operator must see (stderr). */
  warn: (message: string) => void
}

export class Storage {
  readonly deliveries: Delivery[]
  private arrivals: Array<[ContainerState, Sample]> = []
  private drain: NodeJS.Immediate | undefined
  private readonly encodeFailed = new Set<string>()
  private pods: {index: PodIndex; atMs: number} | undefined
  private readonly onSample = (state: ContainerState, sample: Sample): void => {
    this.arrivals.push([state, sample])
    this.drain ??= setImmediate(() => this.encodeArrivals())
  }

  constructor(
    private readonly view: ContainerView,
    readonly drivers: readonly StorageDriver[],
    private readonly options: StorageOptions,
  ) {
    this.deliveries = drivers.map(
      (d) =>
        new Delivery(d, {
          bufferDurationMs: options.bufferDurationMs,
          limitBytes: options.limitBytes,
          retry: options.retry,
          warn: options.warn,
        }),
    )
  }

  /** Checks every driver's backend at once; on the first failure closes them all and rejects with it. */
  async open(): Promise<void> {
    const results = await Promise.allSettled(this.drivers.map((d) => d.open()))
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) {
      await Promise.allSettled(this.drivers.map((d) => d.close()))
      throw failed.reason
    }
  }

  /** Starts taking the view's samples. */
  start(): void {
    this.view.on('sample', this.onSample)
  }

  stats(): DeliveryStats[] {
    return this.deliveries.map((d) => d.stats)
  }

  registerMetrics(registry: Registry): void {
    registerStorageMetrics(registry, () => this.stats())
  }

  /**
   * Pods by uid, for a pod cgroup under --kubelet-labels: built only when a driver asks, then
   * reused for up to POD_INDEX_MAX_AGE_MS. Samples arrive spread over the housekeeping interval,
   * each drain a few of them, and a build reads every container (about 0.1 ms at 1,000): once a
   * second bounds that, at the price of a new pod's cgroup getting its names up to a second late.
   */
  private podIndex(): PodIndex {
    const now = Date.now()
    if (!this.pods || now - this.pods.atMs >= POD_INDEX_MAX_AGE_MS) this.pods = {index: podIndexOf(this.view.containers()), atMs: now}
    return this.pods.index
  }

  private encodeArrivals(): void {
    this.drain = undefined
    const arrivals = this.arrivals
    this.arrivals = []
    const context: EncodeContext = {pods: () => this.podIndex()}
    for (const delivery of this.deliveries) {
      const driver = delivery.driver
      for (const [state, sample] of arrivals) {
        let encoded
        try {
          encoded = driver.encode(state, sample, context)
        } catch (err) {
          // A sample the driver cannot encode is a bug: say it once, keep the other samples.
          if (!this.encodeFailed.has(driver.name)) {
            this.encodeFailed.add(driver.name)
            this.options.warn(`storage driver ${driver.name}: cannot encode a sample of ${state.name}: ${(err as Error).message}`)
          }
          continue
        }
        if (encoded !== undefined) delivery.push(encoded)
      }
    }
  }

  /**
   * Stops taking samples and sends what every driver holds, all at once, for at most
   * `deadlineMs`; says what could not be delivered, then closes the connections.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.view.off('sample', this.onSample)
    if (this.drain) {
      clearImmediate(this.drain)
      this.encodeArrivals()
    }
    const left = await Promise.all(this.deliveries.map((d) => d.stop(deadlineMs)))
    this.deliveries.forEach((d, i) => {
      if (left[i]! > 0)
        this.options.warn(
          `storage driver ${d.driver.name}: ${left[i]} samples not delivered to ${d.driver.target} before exit (within ${deadlineMs / 1000} s)`,
        )
    })
    await Promise.allSettled(this.drivers.map((d) => d.close()))
  }
}
