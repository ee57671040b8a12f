// Kind `cpuLoad`: task states of the cgroup and their 10 s averages (× 1000, as cAdvisor).
import type {Family, FamilyModule} from '../../../model/index.js'

const load: Family = {
  name: 'container_cpu_load_average_10s',
  type: 'gauge',
  help: 'Value of container cpu load average over the last 10 seconds.',
}
const loadD: Family = {
  name: 'container_cpu_load_d_average_10s',
  type: 'gauge',
  help: 'Value of container cpu load.d average over the last 10 seconds.',
}
const tasks: Family = {name: 'container_tasks_state', type: 'gauge', help: 'Number of tasks in given state'}

export const cpuLoadFamilies: FamilyModule = {
  families: [load, loadD, tasks],
  write(out, {sample}) {
    const l = sample?.load
    if (!l) return
    out.add(load, l.loadAverage)
    out.add(loadD, l.loadDAverage)
    out.add(tasks, l.sleeping, 'state="sleeping"')
    out.add(tasks, l.running, 'state="running"')
    out.add(tasks, l.stopped, 'state="stopped"')
    out.add(tasks, l.uninterruptible, 'state="uninterruptible"')
    out.add(tasks, l.ioWaiting, 'state="iowaiting"')
  },
}
