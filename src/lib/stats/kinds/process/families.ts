// Kind `process`: cgroup.procs lines (processes), pids.current (threads), pids.max (threads limit),
// descriptors and sockets from /proc/<pid>/fd, the root process's open-files limit.
import type {Family, FamilyModule} from '../../../model/index.js'

const processes: Family = {name: 'container_processes', type: 'gauge', help: 'Number of processes running inside the container.'}
const fds: Family = {name: 'container_file_descriptors', type: 'gauge', help: 'Number of open file descriptors for the container.'}
const sockets: Family = {name: 'container_sockets', type: 'gauge', help: 'Number of open sockets for the container.'}
const threads: Family = {name: 'container_threads', type: 'gauge', help: 'Number of threads running inside the container'}
const threadsMax: Family = {
  name: 'container_threads_max',
  type: 'gauge',
  help: 'Maximum number of threads allowed inside the container, infinity if value is zero',
}

const ulimitsSoft: Family = {
  name: 'container_ulimits_soft',
  type: 'gauge',
  help: 'Soft ulimit values for the container root process. Unlimited if -1, except priority and nice',
}

export const processFamilies: FamilyModule = {
  families: [processes, fds, sockets, threadsMax, threads, ulimitsSoft],
  write(out, {sample, spec}) {
    const p = sample?.processes
    if (!p) return
    out.add(processes, p.processes)
    if (p.fds !== undefined) out.add(fds, p.fds)
    if (p.sockets !== undefined) out.add(sockets, p.sockets)
    // Without the pids controller there is no thread count: no series rather than a false 0.
    if (p.threads !== undefined) out.add(threads, p.threads)
    // cAdvisor shows an unlimited (or absent) pids.max as 0.
    out.add(threadsMax, p.threadsLimit ?? spec?.pidsLimit ?? 0)
    for (const u of p.ulimits ?? []) out.add(ulimitsSoft, u.soft, `ulimit="${u.name}"`)
  },
}
