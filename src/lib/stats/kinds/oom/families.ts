// Kind `oom_event`: OOM kills counted by the kernel in memory.events (cAdvisor parses kmsg).
import type {Family, FamilyModule} from '../../../model/index.js'

const oomEvents: Family = {
  name: 'container_oom_events_total',
  type: 'counter',
  help: 'Count of out of memory events observed for the container',
}

export const oomFamilies: FamilyModule = {
  families: [oomEvents],
  write(out, {sample}) {
    const m = sample?.memory
    const kills = m?.oomKills ?? m?.oomEvents
    if (kills !== undefined) out.add(oomEvents, kills)
  },
}
