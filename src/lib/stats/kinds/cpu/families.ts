// Kinds `cpu` and `percpu`: cpuacct / cpu.stat usage, user/system split and CFS bandwidth.
import {NS_PER_S, type Family, type FamilyModule} from '../../../model/index.js'

const user: Family = {name: 'container_cpu_user_seconds_total', type: 'counter', help: 'Cumulative user cpu time consumed in seconds.'}
const system: Family = {
  name: 'container_cpu_system_seconds_total',
  type: 'counter',
  help: 'Cumulative system cpu time consumed in seconds.',
}
const usage: Family = {name: 'container_cpu_usage_seconds_total', type: 'counter', help: 'Cumulative cpu time consumed in seconds.'}
const periods: Family = {name: 'container_cpu_cfs_periods_total', type: 'counter', help: 'Number of elapsed enforcement period intervals.'}
const throttledPeriods: Family = {
  name: 'container_cpu_cfs_throttled_periods_total',
  type: 'counter',
  help: 'Number of throttled period intervals.',
}
const throttledSeconds: Family = {
  name: 'container_cpu_cfs_throttled_seconds_total',
  type: 'counter',
  help: 'Total time duration the container has been throttled.',
}
const burstPeriods: Family = {name: 'container_cpu_cfs_burst_periods_total', type: 'counter', help: 'Number of periods when burst occurs.'}
const burstSeconds: Family = {
  name: 'container_cpu_cfs_burst_seconds_total',
  type: 'counter',
  help: 'Total time duration the container has been bursted.',
}

/** `cpu00`, `cpu01`, … as cAdvisor labels per-CPU series. */
function cpuLabel(i: number): string {
  return `cpu="cpu${String(i).padStart(2, '0')}"`
}

export const cpuFamilies: FamilyModule = {
  families: [user, system, usage, periods, throttledPeriods, throttledSeconds, burstPeriods, burstSeconds],
  write(out, {sample, spec, kinds}) {
    const cpu = sample?.cpu
    if (!cpu) return
    if (cpu.userNs !== undefined) out.add(user, cpu.userNs / NS_PER_S)
    if (cpu.systemNs !== undefined) out.add(system, cpu.systemNs / NS_PER_S)
    // cAdvisor: one series per non-zero CPU when percpu is on and the kernel gives per-CPU
    // figures (v1 only); otherwise a single cpu="total" series, only when it is non-zero.
    if (kinds.has('percpu') && cpu.perCpuNs && cpu.perCpuNs.length > 0) {
      cpu.perCpuNs.forEach((ns, i) => {
        if (ns > 0) out.add(usage, ns / NS_PER_S, cpuLabel(i))
      })
    } else if (cpu.usageNs > 0) {
      out.add(usage, cpu.usageNs / NS_PER_S, 'cpu="total"')
    }
    // CFS figures mean nothing without a quota; cAdvisor emits them only when one is set.
    if (!spec?.cpuQuotaUs || spec.cpuQuotaUs <= 0) return
    if (cpu.periods !== undefined) out.add(periods, cpu.periods)
    if (cpu.throttledPeriods !== undefined) out.add(throttledPeriods, cpu.throttledPeriods)
    if (cpu.throttledNs !== undefined) out.add(throttledSeconds, cpu.throttledNs / NS_PER_S)
    if (cpu.bursts !== undefined) out.add(burstPeriods, cpu.bursts)
    if (cpu.burstNs !== undefined) out.add(burstSeconds, cpu.burstNs / NS_PER_S)
  },
}
