/*
 * cadv's own process and Node.js runtime metrics (process_*, nodejs_*), from prom-client.
 * prom-client renders Prometheus text 0.0.4 itself; OpenMetrics is rendered here from its JSON
 * form, because prom-client's OpenMetrics mode renames counters in place (strips `_total` from
 * metric.name), which would corrupt every later 0.0.4 scrape of the same registry.
 */
import {readdir} from 'node:fs/promises'
import {performance} from 'node:perf_hooks'

import {escapeHelp, formatValue, labelPairs, type ContainerView, type ExpositionFormat} from '../model/index.js'
import type {WatcherStats} from '../watch/index.js'
import {registerManagerMetrics, type ManagerCounterSource} from './self-manager.js'
import {collectDefaultMetrics, Counter, Gauge, Registry, type MetricObjectWithValues, type MetricValue} from './prom.js'
import type {LoopSlices} from './slices.js'

/**
 * prom-client's gauges whose names end in `_total` (promtool: "non-counter metrics should not
 * have _total suffix"). Each has a per-type twin without the suffix; summing it gives the same.
 */
const DROPPED = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

/**
 * How often the gauges that walk every libuv handle are brought up to date (walkHandlesLessOften):
 * a minute, as cAdvisor's own housekeeping. At 10,000 containers each walk lists some 10,000
 * watches into arrays inside a body build (about 1 % of serve's busy time at 10 s, with a
 * scrape every 15 s); a count of handles that drifts by a minute tells the same story.
 */
export const HANDLES_EVERY_MS = 60_000

/**
 * A prom-client registry rendered in either exposition format. What stays under
 * --disable-exporter-metrics (the storage drivers' delivery metrics) is one of these alone.
 */
export class RegistryText {
  readonly registry = new Registry()

  /**
   * The registry's text, collected one metric at a time; with `slices`, the event loop gets a
   * turn whenever a slice is spent (some collectors walk every libuv handle, thousands with a
   * watch per cgroup). The Prometheus text is prom-client's own, metric by metric.
   */
  async text(format: ExpositionFormat, slices?: LoopSlices): Promise<string> {
    const out: string[] = []
    for (const {name} of this.registry.getMetricsAsArray()) {
      if (format === 'prometheus') out.push(await this.registry.getSingleMetricAsString(name))
      else out.push(openMetricsFamily((await this.registry.getSingleMetric(name)!.get()) as MetricObjectWithValues<MetricValue<string>>))
      await slices?.pause()
    }
    // As prom-client's registry.metrics() joins them.
    return format === 'prometheus' ? `${out.join('\n\n')}\n` : out.join('')
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
    collectDefaultMetrics(this.registry)
    this.countDescriptorsOffLoop()
    this.walkHandlesLessOften()
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
   * prom-client counts open descriptors with a readdirSync of /proc/self/fd at every
   * collection: with a watch and kept files per cgroup, thousands of entries read on the event
   * loop once per body. The same count from a readdir in libuv's thread pool.
   */
  private countDescriptorsOffLoop(): void {
    if (!this.registry.getSingleMetric('process_open_fds')) return
    this.registry.removeSingleMetric('process_open_fds')
    new Gauge({
      name: 'process_open_fds',
      help: 'Number of open file descriptors.',
      registers: [this.registry],
      async collect() {
        try {
          // Less the one the readdir itself held open.
          this.set((await readdir('/proc/self/fd')).length - 1)
        } catch {
          // No /proc: the gauge keeps its last value, as prom-client's does.
        }
      },
    })
  }

  /**
   * nodejs_active_handles and nodejs_active_resources walk every libuv handle: with an inotify
   * watch per cgroup directory and hierarchy that is tens of thousands, tens of milliseconds on
   * the event loop per collection. They are counted at most every HANDLES_EVERY_MS and keep
   * their values in between.
   */
  private walkHandlesLessOften(): void {
    for (const name of ['nodejs_active_handles', 'nodejs_active_resources']) {
      const metric = this.registry.getSingleMetric(name) as {collect?: () => unknown} | undefined
      const collect = metric?.collect
      if (!metric || !collect) continue
      let lastMs = Number.NEGATIVE_INFINITY
      metric.collect = function (this: unknown) {
        const now = performance.now()
        if (now - lastMs < HANDLES_EVERY_MS) return undefined
        lastMs = now
        return collect.call(this)
      }
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
      help: 'Tracked cgroup directories re-read every poll interval for want of an inotify watch (watch limit reached, or the poll backend); leaves left unwatched outside the lead hierarchy are not counted.',
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
