// Kind `perf_event`: hardware and software events counted per container (perf_event_open).
import {escapeLabelValue, type Family, type FamilyModule, type PerfEventSample} from '../../../model/index.js'

const events: Family = {name: 'container_perf_events_total', type: 'counter', help: 'Perf event metric.'}
const ratio: Family = {name: 'container_perf_events_scaling_ratio', type: 'gauge', help: 'Perf event metric scaling ratio.'}
// Uncore (socket-wide) events: declared as cAdvisor declares them; cadv counts none (README).
const uncore: Family = {name: 'container_perf_uncore_events_total', type: 'counter', help: 'Perf uncore event metric.'}
const uncoreRatio: Family = {
  name: 'container_perf_uncore_events_scaling_ratio',
  type: 'gauge',
  help: 'Perf uncore event metric scaling ratio.',
}

/** Per event: the sum over CPUs and the smallest ratio, as cAdvisor aggregates without percpu. */
function aggregate(perf: readonly PerfEventSample[]): PerfEventSample[] {
  const by = new Map<string, PerfEventSample>()
  for (const p of perf) {
    const a = by.get(p.event)
    if (!a) by.set(p.event, {...p})
    else {
      a.count += p.count
      a.ratio = Math.min(a.ratio, p.ratio)
    }
  }
  return [...by.values()]
}

export const perfFamilies: FamilyModule = {
  families: [events, ratio, uncore, uncoreRatio],
  write(out, {sample, kinds}) {
    const perf = sample?.perf
    if (!perf) return
    const perCpu = kinds.has('percpu')
    for (const p of perCpu ? perf : aggregate(perf)) {
      const labels = `cpu="${perCpu ? p.cpu : ''}",event="${escapeLabelValue(p.event)}"`
      out.add(events, p.count, labels)
      out.add(ratio, p.ratio, labels)
    }
  },
}
