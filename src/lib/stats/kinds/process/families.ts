// Kind `process`: cgroup.procs lines (processes), pids.current (threads), pids.max (threads limit).
import type {Family, FamilyModule} from '../../../model/index.js'

const processes: Family = {name: 'container_processes', type: 'gauge', help: 'Number of processes running inside the container.'}
const threads: Family = {name: 'container_threads', type: 'gauge', help: 'Number of threads running inside the container'}
const threadsMax: Family = {
  name: 'container_threads_max',
  type: 'gauge',
  help: 'Maximum number of threads allowed inside the container, infinity if value is zero',
}

export const processFamilies: FamilyModule = {
  families: [processes, threads, threadsMax],
  write(out, {sample, spec}) {
    const p = sample?.processes
    if (!p) return
    out.add(processes, p.processes)
    // Without the pids controller there is no thread count: no series rather than a false 0.
    if (p.threads !== undefined) out.add(threads, p.threads)
    // cAdvisor shows an unlimited (or absent) pids.max as 0.
    out.add(threadsMax, p.threadsLimit ?? spec?.pidsLimit ?? 0)
  },
}
