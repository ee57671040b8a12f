/*
 * prom-client's registry, counter and gauge, and its default metrics (process_*, nodejs_*),
 * required from prom-client's own modules rather than its index. The index also loads its
 * default CPU counters' module, which requires @opentelemetry/api (51 modules, for exemplars
 * cadv never enables), its Summary (tdigest, bintrees) and its Pushgateway: about 1 MiB of a
 * long-running server's heap for nothing it uses (README, process benchmark). The modules are
 * the ones the index itself exports; the CPU counters are written here as prom-client writes
 * them, without the exemplars.
 */
import {createRequire} from 'node:module'

import type * as Prom from 'prom-client'

// prom-client has no `exports` map: its modules are reachable by path, and typed by its index.
const require = createRequire(import.meta.url)

export const Registry = require('prom-client/lib/registry') as typeof Prom.Registry
export type Registry = Prom.Registry
export const Counter = require('prom-client/lib/counter') as typeof Prom.Counter
export type Counter<T extends string = string> = Prom.Counter<T>
export const Gauge = require('prom-client/lib/gauge') as typeof Prom.Gauge
export type Gauge<T extends string = string> = Prom.Gauge<T>
export type {MetricObjectWithValues, MetricValue} from 'prom-client'

/** One of prom-client's default metrics: registers its families in the registry. */
type DefaultMetric = (registry: Registry, config: {eventLoopMonitoringPrecision: number}) => void

/**
 * prom-client's process_cpu_user_seconds_total, process_cpu_system_seconds_total and
 * process_cpu_seconds_total (lib/metrics/processCpuTotal.js): the same names, help and values,
 * all three set by the first one's collect.
 */
const processCpuTotal: DefaultMetric = (registry) => {
  const registers = [registry]
  let last = process.cpuUsage()
  const user = new Counter({
    name: 'process_cpu_user_seconds_total',
    help: 'Total user CPU time spent in seconds.',
    registers,
    collect() {
      const now = process.cpuUsage()
      const userMicros = now.user - last.user
      const systemMicros = now.system - last.system
      last = now
      user.inc(userMicros / 1e6)
      system.inc(systemMicros / 1e6)
      total.inc((userMicros + systemMicros) / 1e6)
    },
  })
  const system = new Counter({name: 'process_cpu_system_seconds_total', help: 'Total system CPU time spent in seconds.', registers})
  const total = new Counter({name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', registers})
}

/** The rest of prom-client's default metrics, in its order (lib/defaultMetrics.js). */
const DEFAULT_MODULES = [
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  ...(typeof process.getActiveResourcesInfo === 'function' ? ['processResources'] : []),
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
  'gc',
]

/** prom-client's collectDefaultMetrics({register: registry}): the same families in the same order. */
export function collectDefaultMetrics(registry: Registry): void {
  const config = {eventLoopMonitoringPrecision: 10}
  processCpuTotal(registry, config)
  for (const name of DEFAULT_MODULES) (require(`prom-client/lib/metrics/${name}`) as DefaultMetric)(registry, config)
}
