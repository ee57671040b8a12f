// Kind `resctrl`: memory bandwidth and last-level cache occupancy (Intel RDT, AMD QoS).
import type {Family, FamilyModule} from '../../../model/index.js'

const bandwidth: Family = {
  name: 'container_memory_bandwidth_bytes',
  type: 'gauge',
  help: 'Total memory bandwidth usage statistics for container counted with RDT Memory Bandwidth Monitoring (MBM).',
}
const bandwidthLocal: Family = {
  name: 'container_memory_bandwidth_local_bytes',
  type: 'gauge',
  help: 'Local memory bandwidth usage statistics for container counted with RDT Memory Bandwidth Monitoring (MBM).',
}
const llc: Family = {
  name: 'container_llc_occupancy_bytes',
  type: 'gauge',
  help: 'Last level cache usage statistics for container counted with RDT Memory Bandwidth Monitoring (MBM).',
}

export const resctrlFamilies: FamilyModule = {
  families: [bandwidth, bandwidthLocal, llc],
  write(out, {sample}) {
    // node_id is the index of the mon_data domain, as cAdvisor numbers them.
    sample?.resctrl?.forEach((d, i) => {
      const node = `node_id="${i}"`
      if (d.mbmTotalBytes !== undefined) out.add(bandwidth, d.mbmTotalBytes, node)
      if (d.mbmLocalBytes !== undefined) out.add(bandwidthLocal, d.mbmLocalBytes, node)
      if (d.llcOccupancyBytes !== undefined) out.add(llc, d.llcOccupancyBytes, node)
    })
  },
}
