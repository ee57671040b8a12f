// Kind `oom_event`: OOM kills counted by the kernel (v1 memory.oom_control, v2 memory.events).
import type {Family, FamilyModule} from '../../../model/index.js'

const oomEvents: Family = {
  name: 'container_oom_events_total',
  type: 'counter',
  help: 'Count of out of memory events observed for the container',
}

export const oomFamilies: FamilyModule = {
  families: [oomEvents],
  write(out, {sample}) {
    if (sample?.oom) out.add(oomEvents, sample.oom.kills)
  },
}
