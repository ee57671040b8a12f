/*
 * cadv's own metrics about the endpoint's defences: connections and their caps, the password
 * checks and the rate limit, web config reloads, and running out of file descriptors. Each is
 * something an operator alerts on (a refused reload, a flood of wrong passwords, descriptors
 * gone), so each is a metric and not only a line on stderr.
 */
import {Counter, Gauge, type Registry} from './prom.js'
import type {ServerStats} from './server.js'

/** A counter that follows a monotonic number read at scrape time. */
function follow(counter: Counter<string>, labels: Record<string, string>, read: () => number, seen: Map<string, number>): void {
  const key = JSON.stringify(labels)
  const now = read()
  const before = seen.get(key) ?? 0
  // inc by 0 too: every series exists from the first scrape, so rate() and alerts see it.
  counter.inc(labels, Math.max(0, now - before))
  seen.set(key, now)
}

export interface ServerMetricSources {
  server: () => ServerStats
  /** Opens of cgroup files that found the process out of descriptors. */
  fileShortages?: () => number
}

export function registerServerMetrics(registry: Registry, src: ServerMetricSources): void {
  const registers = [registry]
  new Gauge({
    name: 'cadv_http_connections',
    help: 'Open HTTP connections to the endpoint.',
    registers,
    collect() {
      this.set(src.server().connections.open)
    },
  })
  new Gauge({
    name: 'cadv_http_connections_max',
    help: 'The cap on open HTTP connections (--max-connections; 0: none).',
    registers,
    collect() {
      this.set(src.server().maxConnections)
    },
  })
  const seen = new Map<string, number>()
  new Counter({
    name: 'cadv_http_connections_closed_total',
    help: 'Connections closed by the connection caps: idle ones closed to make room (evicted), new ones refused because every connection was busy (refused).',
    labelNames: ['reason'],
    registers,
    collect() {
      const c = src.server().connections
      follow(this, {reason: 'evicted'}, () => c.evicted, seen)
      follow(this, {reason: 'refused'}, () => c.refused, seen)
    },
  })
  new Counter({
    name: 'cadv_http_auth_requests_total',
    help: 'Requests checked against basic_auth_users and rate_limit, by result: remembered (a recent successful check), verified (bcrypt), denied (401), limited (429, per client), busy (503, too many checks queued).',
    labelNames: ['result'],
    registers,
    collect() {
      const a = src.server().auth
      if (!a) return
      for (const result of ['remembered', 'verified', 'denied', 'limited', 'busy'] as const) follow(this, {result}, () => a[result], seen)
    },
  })
  new Counter({
    name: 'cadv_http_bcrypt_comparisons_total',
    help: 'bcrypt comparisons run (in a worker thread) for basic auth.',
    registers,
    collect() {
      const a = src.server().auth
      if (a) follow(this, {}, () => a.compared, seen)
    },
  })
  new Counter({
    name: 'cadv_http_body_timeouts_total',
    help: 'Scrapes answered 408 because their request body did not arrive within the body timeout.',
    registers,
    collect() {
      follow(this, {}, () => src.server().bodyTimeouts, seen)
    },
  })
  new Gauge({
    name: 'cadv_web_config_last_reload_successful',
    help: 'Whether the newest version of --web-config-file is in force (0: a reload was refused, the previous config stays).',
    registers,
    collect() {
      const r = src.server().reloads
      if (r) this.set(r.lastSuccessful ? 1 : 0)
    },
  })
  new Counter({
    name: 'cadv_web_config_reloads_total',
    help: 'Reloads of --web-config-file, by result (refused: invalid, incomplete, or dropping a protection in force).',
    labelNames: ['result'],
    registers,
    collect() {
      const r = src.server().reloads
      if (!r) return
      follow(this, {result: 'success'}, () => r.successes, seen)
      follow(this, {result: 'refused'}, () => r.refusals, seen)
    },
  })
  new Counter({
    name: 'cadv_descriptor_shortages_total',
    help: 'Times the process was out of file descriptors (EMFILE, ENFILE), by where: accepting a connection, or opening a cgroup file.',
    labelNames: ['where'],
    registers,
    collect() {
      follow(this, {where: 'accept'}, () => src.server().acceptShortages, seen)
      if (src.fileShortages) follow(this, {where: 'cgroup_files'}, src.fileShortages, seen)
    },
  })
}
