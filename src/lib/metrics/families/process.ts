// Kind `process`: pids.current / pids.max (or cgroup.procs where pids is not mounted).
import type {Family, KindModule} from '../family.js'

const processes: Family = {name: 'container_processes', type: 'gauge', help: 'Number of processes running inside the container.'}
const threadsMax: Family = {
  name: 'container_threads_max',
  type: 'gauge',
  help: 'Maximum number of threads allowed inside the container, infinity if value is zero',
}

export const processModule: KindModule = {
  families: [processes, threadsMax],
  enabled: (kinds) => kinds.has('process'),
  write(out, {sample, spec}) {
    const p = sample?.processes
    if (!p) return
    out.add(processes, p.processes)
    // cAdvisor shows an unlimited pids.max as 0.
    out.add(threadsMax, p.limit ?? spec?.pidsLimit ?? 0)
  },
}
