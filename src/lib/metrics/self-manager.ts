/*
 * The manager's own metrics: containers waiting for their runtime, published from their names
 * alone, and lookups that failed, by factory (manager/resolution.ts). The view provides them
 * when it is a manager; anything else (a test's view) simply has none.
 */
import {Counter, Gauge, type Registry} from './prom.js'

/** What the manager counts about resolution (the manager's ResolutionStats). */
export interface ResolutionCounters {
  pending: number
  byName: number
  failures: Record<string, number>
}

/** What housekeeping counts about its place behind requests (the manager's TickQueueStats). */
export interface HousekeepingCounters {
  ran: number
  shed: number
  yields: number
  /** Longest wait of a due tick since the previous read, ms. */
  maxWaitMs: number
}

/** The parts of a view that carry the manager's counters, when it has them. */
export interface ManagerCounterSource {
  resolutionStats?(): ResolutionCounters
  housekeepingStats?(): HousekeepingCounters
}

export function registerManagerMetrics(registry: Registry, source: ManagerCounterSource): void {
  const housekeeping = source.housekeepingStats?.bind(source)
  if (housekeeping) registerHousekeepingMetrics(registry, housekeeping)
  const resolution = source.resolutionStats?.bind(source)
  if (!resolution) return
  const registers = [registry]
  new Gauge({
    name: 'cadv_containers_pending',
    help: 'Containers found whose runtime has not answered for them yet: not published, asked again with a backoff.',
    registers,
    collect() {
      this.set(resolution().pending)
    },
  })
  new Gauge({
    name: 'cadv_containers_published_by_name',
    help: 'Containers published from their cgroup names alone (factory and id, no name, image or labels): their runtime did not answer within --runtime-wait.',
    registers,
    collect() {
      this.set(resolution().byName)
    },
  })
  const reported: Record<string, number> = {}
  new Counter({
    name: 'cadv_runtime_lookup_failures_total',
    help: 'Lookups of a container that its runtime could not answer (unreachable, timed out, not running yet), by the factory its cgroup name points to.',
    labelNames: ['factory'],
    registers,
    collect() {
      for (const [factory, n] of Object.entries(resolution().failures)) {
        const before = reported[factory] ?? 0
        if (n > before) this.inc({factory}, n - before)
        reported[factory] = n
      }
    },
  })
}

/**
 * Housekeeping yields to scrapes, /healthz and events, and sheds reads when it falls behind
 * (stats/tick-queue.ts); these say how often, so an overloaded exporter shows as such rather
 * than as slow scrapes.
 */
function registerHousekeepingMetrics(registry: Registry, read: () => HousekeepingCounters): void {
  const registers = [registry]
  // One read per scrape feeds all four (the wait is reset by each read).
  let last: HousekeepingCounters = {ran: 0, shed: 0, yields: 0, maxWaitMs: 0}
  let reported = {ran: 0, shed: 0, yields: 0}
  new Gauge({
    name: 'cadv_housekeeping_queue_delay_seconds',
    help: 'Longest time a due housekeeping read waited behind requests, events and other reads since the previous scrape.',
    registers,
    collect() {
      last = read()
      this.set(last.maxWaitMs / 1000)
    },
  })
  const counter = (name: string, help: string, key: 'ran' | 'shed' | 'yields'): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        const n = last[key]
        if (n > reported[key]) this.inc(n - reported[key])
        reported = {...reported, [key]: n}
      },
    })
  }
  counter('cadv_housekeeping_reads_total', 'Housekeeping reads of a container run.', 'ran')
  counter(
    'cadv_housekeeping_shed_total',
    'Housekeeping reads skipped because they waited too long behind other work (two intervals and at least a second: the process is behind); the container is read at its next interval.',
    'shed',
  )
  counter(
    'cadv_housekeeping_yields_total',
    'Times housekeeping stopped after a short slice so that scrapes, /healthz and events were served before its remaining reads.',
    'yields',
  )
}
