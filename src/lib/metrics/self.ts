/*
 * cadv's own process and Node.js runtime metrics (process_*, nodejs_*), from prom-client.
 * prom-client renders Prometheus text 0.0.4 itself; OpenMetrics is rendered here from its JSON
 * form, because prom-client's OpenMetrics mode renames counters in place (strips `_total` from
 * metric.name), which would corrupt every later 0.0.4 scrape of the same registry.
 */
import {collectDefaultMetrics, Counter, Gauge, Registry, type MetricObjectWithValues, type MetricValue} from 'prom-client'

import {escapeHelp, formatValue, labelPairs, type ContainerView, type ExpositionFormat} from '../model/index.js'
import type {WatcherStats} from '../watch/index.js'
import {registerManagerMetrics, type ManagerCounterSource} from './self-manager.js'

/**
 * prom-client's gauges whose names end in `_total` (promtool: "non-counter metrics should not
 * have _total suffix"). Each has a per-type twin without the suffix; summing it gives the same.
 */
const DROPPED = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

/**
 * A prom-client registry rendered in either exposition format. What stays under
 * --disable-exporter-metrics (the storage drivers' delivery metrics) is one of these alone.
 */
export class RegistryText {
  readonly registry = new Registry()

  async text(format: ExpositionFormat): Promise<string> {
    if (format === 'prometheus') return this.registry.metrics()
    const families = await this.registry.getMetricsAsJSON()
    return families.map((f) => openMetricsFamily(f as MetricObjectWithValues<MetricValue<string>>)).join('')
  }
}

export class SelfMetrics extends RegistryText {
  /** Scrapes of the telemetry path by HTTP status (503: over --max-requests), like promhttp's. */
  readonly scrapes = new Counter({
    name: 'cadv_metric_handler_requests_total',
    help: 'Scrapes of the metrics endpoint, by HTTP status code.',
    labelNames: ['code'],
    registers: [this.registry],
  })
  readonly inFlight = new Gauge({
    name: 'cadv_metric_handler_requests_in_flight',
    help: 'Scrapes of the metrics endpoint being served now.',
    registers: [this.registry],
  })

  constructor(view?: ContainerView, watchStats?: () => WatcherStats) {
    super()
    collectDefaultMetrics({register: this.registry})
    if (watchStats) this.registerWatchMetrics(watchStats)
    if (view) registerManagerMetrics(this.registry, view as ContainerView & ManagerCounterSource)
    for (const name of DROPPED) this.registry.removeSingleMetric(name)
    if (view) {
      new Gauge({
        name: 'cadv_containers',
        help: 'Containers cadv tracks now.',
        registers: [this.registry],
        collect() {
          let n = 0
          for (const _ of view.containers()) n++
          this.set(n)
        },
      })
    }
  }

  /**
   * The watcher's fallbacks made visible: directories past the inotify watch limit are polled
   * instead of watched, which costs CPU and latency, and an alert on polled > 0 says so.
   */
  private registerWatchMetrics(watchStats: () => WatcherStats): void {
    const registers = [this.registry]
    new Gauge({
      name: 'cadv_watch_directories',
      help: 'Cgroup directories tracked by the watcher, summed over hierarchies, by watch backend.',
      labelNames: ['backend'],
      registers,
      collect() {
        const s = watchStats()
        this.reset()
        this.set({backend: s.backend}, s.directories)
      },
    })
    new Gauge({
      name: 'cadv_watch_polled_directories',
      help: 'Tracked cgroup directories without an inotify watch (watch limit reached, or the poll backend), re-read every poll interval.',
      registers,
      collect() {
        this.set(watchStats().polled)
      },
    })
    let reported = 0
    new Counter({
      name: 'cadv_watch_rescans_total',
      help: 'Full rescans of the watched hierarchies that reconcile what inotify events missed.',
      registers,
      collect() {
        const now = watchStats().rescans
        if (now > reported) this.inc(now - reported)
        reported = now
      },
    })
  }
}

/** One prom-client family as OpenMetrics 1.0 text (counter families lose `_total`; samples keep it). */
function openMetricsFamily(f: MetricObjectWithValues<MetricValue<string>>): string {
  // prom-client's typings declare a numeric enum; at run time the type is the string 'counter' etc.
  const type = f.type as unknown as string
  const counter = type === 'counter'
  const family = counter ? f.name.replace(/_total$/, '') : f.name
  let out = `# HELP ${family} ${escapeHelp(f.help, 'openmetrics')}\n# TYPE ${family} ${type}\n`
  for (const v of f.values) {
    const sampleName = (v as {metricName?: string}).metricName ?? (counter ? `${family}_total` : f.name)
    const labels = labelPairs(Object.entries(v.labels).map(([k, x]) => [k, String(x)] as const))
    out += `${sampleName}${labels === '' ? '' : `{${labels}}`} ${formatValue(v.value)}\n`
  }
  return out
}
