// Kind `diskIO`: blkio.throttle.* (v1) and io.stat (v2), per device.
import {escapeLabelValue, type Family, type FamilyModule} from '../../../model/index.js'

const readBytes: Family = {name: 'container_fs_reads_bytes_total', type: 'counter', help: 'Cumulative count of bytes read'}
const reads: Family = {name: 'container_fs_reads_total', type: 'counter', help: 'Cumulative count of reads completed'}
const writeBytes: Family = {name: 'container_fs_writes_bytes_total', type: 'counter', help: 'Cumulative count of bytes written'}
const writes: Family = {name: 'container_fs_writes_total', type: 'counter', help: 'Cumulative count of writes completed'}
const deviceUsage: Family = {name: 'container_blkio_device_usage_total', type: 'counter', help: 'Blkio Device bytes usage'}

/** cAdvisor names devices `/dev/<name>` and leaves the label empty when the name is unknown. */
function deviceName(device: string): string {
  if (device === '' || /^\d+:\d+$/.test(device)) return ''
  return device.startsWith('/') ? device : `/dev/${device}`
}

export const diskioFamilies: FamilyModule = {
  families: [readBytes, reads, writeBytes, writes, deviceUsage],
  write(out, {sample}) {
    for (const d of sample?.diskio ?? []) {
      const name = deviceName(d.device)
      const dev = name === '' ? '' : `device="${escapeLabelValue(name)}"`
      out.add(readBytes, d.readBytes, dev)
      out.add(reads, d.reads, dev)
      out.add(writeBytes, d.writeBytes, dev)
      out.add(writes, d.writes, dev)
      const ids = `${dev === '' ? '' : `${dev},`}major="${d.major}",minor="${d.minor}"`
      out.add(deviceUsage, d.readBytes, `${ids},operation="Read"`)
      out.add(deviceUsage, d.writeBytes, `${ids},operation="Write"`)
    }
  },
}
