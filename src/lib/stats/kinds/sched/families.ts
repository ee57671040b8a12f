// Kind `sched`: scheduler statistics of the container's threads.
import {NS_PER_S, type Family, type FamilyModule} from '../../../model/index.js'

const run: Family = {
  name: 'container_cpu_schedstat_run_seconds_total',
  type: 'counter',
  help: 'Time duration the processes of the container have run on the CPU.',
}
const runqueue: Family = {
  name: 'container_cpu_schedstat_runqueue_seconds_total',
  type: 'counter',
  help: 'Time duration processes of the container have been waiting on a runqueue.',
}
const periods: Family = {
  name: 'container_cpu_schedstat_run_periods_total',
  type: 'counter',
  help: 'Number of times processes of the cgroup have run on the cpu',
}

export const schedFamilies: FamilyModule = {
  families: [run, runqueue, periods],
  write(out, {sample}) {
    const s = sample?.sched
    if (!s) return
    out.add(run, s.runNs / NS_PER_S)
    out.add(runqueue, s.runqueueNs / NS_PER_S)
    out.add(periods, s.runPeriods)
  },
}
