/*
 * The storage drivers' own metrics, per driver, for alerting on a backend that stopped taking
 * samples: sent, failed requests, dropped, what waits, and when a request last succeeded.
 */
import {Counter, Gauge, type Registry} from '../metrics/index.js'
import type {DeliveryStats} from './delivery.js'

export function registerStorageMetrics(registry: Registry, stats: () => DeliveryStats[]): void {
  const registers = [registry]
  const labelNames = ['driver']
  const counter = (name: string, help: string, pick: (s: DeliveryStats) => number): void => {
    const reported = new Map<string, number>()
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        for (const s of stats()) {
          const now = pick(s)
          const before = reported.get(s.driver) ?? 0
          this.inc({driver: s.driver}, now - before)
          reported.set(s.driver, now)
        }
      },
    })
  }
  const gauge = (name: string, help: string, pick: (s: DeliveryStats) => number): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        for (const s of stats()) this.set({driver: s.driver}, pick(s))
      },
    })
  }
  counter('cadv_storage_sent_samples_total', 'Samples a storage driver delivered.', (s) => s.sentSamples)
  counter('cadv_storage_failed_requests_total', 'Requests to a storage backend that failed (each retry counts).', (s) => s.failedSends)
  counter(
    'cadv_storage_dropped_samples_total',
    'Samples a storage driver gave up: the oldest when its buffer was full, those its backend refused, those left at exit.',
    (s) => s.droppedSamples,
  )
  gauge('cadv_storage_queue_samples', 'Samples waiting for a storage driver, in flight included.', (s) => s.queuedSamples)
  gauge('cadv_storage_queue_bytes', 'Bytes of encoded samples waiting for a storage driver.', (s) => s.queuedBytes)
  gauge('cadv_storage_queue_limit_bytes', "A storage driver's buffer bound (--storage-driver-buffer-limit).", (s) => s.limitBytes)
  gauge(
    'cadv_storage_last_success_timestamp_seconds',
    'When a storage driver last delivered a request, seconds since the epoch (0: never).',
    (s) => (s.lastSuccessMs ?? 0) / 1000,
  )
}
