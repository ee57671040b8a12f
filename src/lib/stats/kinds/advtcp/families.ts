// Kind `advtcp`: TCP counters by name (a gauge ending in _total, as cAdvisor's).
import type {Family, FamilyModule} from '../../../model/index.js'
import {ADVANCED_TCP_STATS} from '../sockets/parse.js'

const advanced: Family = {
  name: 'container_network_advance_tcp_stats_total',
  type: 'gauge',
  help: 'advance tcp connections statistic for container',
}

export const advtcpFamilies: FamilyModule = {
  families: [advanced],
  write(out, {sample}) {
    const a = sample?.sockets?.advancedTcp
    if (!a) return
    // cAdvisor's order; counters this kernel does not have are left out rather than shown as 0.
    for (const name of ADVANCED_TCP_STATS) {
      const v = a[name]
      if (v !== undefined) out.add(advanced, v, `tcp_state="${name}"`)
    }
  },
}
