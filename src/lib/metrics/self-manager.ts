/*
 * The manager's own metrics: containers waiting for their runtime, published from their names
 * alone, and lookups that failed, by factory (manager/resolution.ts). The view provides them
 * when it is a manager; anything else (a test's view) simply has none.
 */
import {Counter, Gauge, type Registry} from 'prom-client'

/** What the manager counts about resolution (the manager's ResolutionStats). */
export interface ResolutionCounters {
  pending: number
  byName: number
  failures: Record<string, number>
}

/** The parts of a view that carry the manager's counters, when it has them. */
export interface ManagerCounterSource {
  resolutionStats?(): ResolutionCounters
}

export function registerManagerMetrics(registry: Registry, source: ManagerCounterSource): void {
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
