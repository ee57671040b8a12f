import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'

export const PROMTOOL = '/usr/bin/promtool'

/** Why promtool-based checks cannot run here, or undefined when they can. */
export function promtoolSkipReason(): string | undefined {
  return existsSync(PROMTOOL) ? undefined : 'promtool is not installed (Debian package prometheus)'
}

/**
 * `promtool check metrics` on an exposition: the problems it reports, one per line, with the
 * metric name first (`container_memory_failcnt counter metrics should have "_total" suffix`).
 */
export function promtoolProblems(exposition: string): string[] {
  const res = spawnSync(PROMTOOL, ['check', 'metrics'], {input: exposition, encoding: 'utf8'})
  if (res.error) throw res.error
  const out = `${res.stdout}${res.stderr}`
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
}

/**
 * cAdvisor names kept for dashboard compatibility although they break Prometheus naming rules
 * (README "Names kept from cAdvisor"): counters without `_total`, gauges with it.
 */
export const KNOWN_CADVISOR_LINT = new Set([
  'container_memory_failcnt counter metrics should have "_total" suffix',
  'container_hugetlb_failcnt counter metrics should have "_total" suffix',
  'container_fs_inodes_total non-counter metrics should not have "_total" suffix',
  'container_network_tcp_usage_total non-counter metrics should not have "_total" suffix',
  'container_network_tcp6_usage_total non-counter metrics should not have "_total" suffix',
  'container_network_udp_usage_total non-counter metrics should not have "_total" suffix',
  'container_network_udp6_usage_total non-counter metrics should not have "_total" suffix',
  'container_network_advance_tcp_stats_total non-counter metrics should not have "_total" suffix',
  'container_cpu_load_d_average_10s metric names should not contain abbreviated units',
  "cadvisor_version_info label names should be written in 'snake_case' not 'camelCase'",
  'machine_node_hugepages_count non-histogram and non-summary metrics should not have "_count" suffix',
  'machine_thread_siblings_count non-histogram and non-summary metrics should not have "_count" suffix',
])
