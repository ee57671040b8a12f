// Kind `diskIO`: per-device I/O of the cgroup (v1 blkio, v2 io.stat), and for `/` the
// /proc/diskstats counters of its filesystems' devices, as cAdvisor adds them.
import {
  escapeLabelValue,
  NS_PER_S,
  US_PER_S,
  type BlkioDeviceSample,
  type DiskstatsSample,
  type Family,
  type FamilyModule,
  type SeriesSink,
} from '../../../model/index.js'

const counter = (name: string, help: string): Family => ({name, type: 'counter', help})

const readBytes = counter('container_fs_reads_bytes_total', 'Cumulative count of bytes read')
const reads = counter('container_fs_reads_total', 'Cumulative count of reads completed')
const sectorReads = counter('container_fs_sector_reads_total', 'Cumulative count of sector reads completed')
const readsMerged = counter('container_fs_reads_merged_total', 'Cumulative count of reads merged')
const readSeconds = counter('container_fs_read_seconds_total', 'Cumulative count of seconds spent reading')
const writeBytes = counter('container_fs_writes_bytes_total', 'Cumulative count of bytes written')
const writes = counter('container_fs_writes_total', 'Cumulative count of writes completed')
const sectorWrites = counter('container_fs_sector_writes_total', 'Cumulative count of sector writes completed')
const writesMerged = counter('container_fs_writes_merged_total', 'Cumulative count of writes merged')
const writeSeconds = counter('container_fs_write_seconds_total', 'Cumulative count of seconds spent writing')
const ioCurrent: Family = {name: 'container_fs_io_current', type: 'gauge', help: 'Number of I/Os currently in progress'}
const ioTime = counter('container_fs_io_time_seconds_total', 'Cumulative count of seconds spent doing I/Os')
const ioTimeWeighted = counter('container_fs_io_time_weighted_seconds_total', 'Cumulative weighted I/O time in seconds')
const costUsage = counter('container_fs_io_cost_usage_seconds_total', 'Cumulative IOCost usage in seconds')
const costWait = counter('container_fs_io_cost_wait_seconds_total', 'Cumulative IOCost wait in seconds')
const costIndebt = counter('container_fs_io_cost_indebt_seconds_total', 'Cumulative IOCost debt in seconds')
const costIndelay = counter('container_fs_io_cost_indelay_seconds_total', 'Cumulative IOCost delay in seconds')
const deviceUsage = counter('container_blkio_device_usage_total', 'Blkio Device bytes usage')

/** cAdvisor names devices `/dev/<name>` and leaves the label empty when the name is unknown. */
function deviceName(device: string): string {
  if (device === '' || /^\d+:\d+$/.test(device)) return ''
  return device.startsWith('/') ? device : `/dev/${device}`
}

const MS_PER_S = 1000

/** A blkio field per family, in seconds or counts. */
const BLKIO: Array<[Family, (d: BlkioDeviceSample) => number | undefined]> = [
  [readBytes, (d) => d.readBytes],
  [reads, (d) => d.reads],
  [readsMerged, (d) => d.readMerged],
  [readSeconds, (d) => (d.readServiceNs === undefined ? undefined : d.readServiceNs / NS_PER_S)],
  [writeBytes, (d) => d.writeBytes],
  [writes, (d) => d.writes],
  [writesMerged, (d) => d.writeMerged],
  [writeSeconds, (d) => (d.writeServiceNs === undefined ? undefined : d.writeServiceNs / NS_PER_S)],
  [ioCurrent, (d) => d.queued],
  [ioTime, (d) => (d.totalServiceNs === undefined ? undefined : d.totalServiceNs / NS_PER_S)],
  [costUsage, (d) => (d.costUsageUs === undefined ? undefined : d.costUsageUs / US_PER_S)],
  [costWait, (d) => (d.costWaitUs === undefined ? undefined : d.costWaitUs / US_PER_S)],
  [costIndebt, (d) => (d.costIndebtUs === undefined ? undefined : d.costIndebtUs / US_PER_S)],
  [costIndelay, (d) => (d.costIndelayUs === undefined ? undefined : d.costIndelayUs / US_PER_S)],
]

/**
 * A diskstats field per family. cAdvisor divides the millisecond times by 1e9 (a unit slip
 * that makes them a million times too small); cadv converts them to seconds.
 */
const DISKSTATS: Array<[Family, (s: DiskstatsSample) => number]> = [
  [reads, (s) => s.reads],
  [sectorReads, (s) => s.sectorsRead],
  [readsMerged, (s) => s.readsMerged],
  [readSeconds, (s) => s.readMs / MS_PER_S],
  [writes, (s) => s.writes],
  [sectorWrites, (s) => s.sectorsWritten],
  [writesMerged, (s) => s.writesMerged],
  [writeSeconds, (s) => s.writeMs / MS_PER_S],
  [ioCurrent, (s) => s.ioInProgress],
  [ioTime, (s) => s.ioMs / MS_PER_S],
  [ioTimeWeighted, (s) => s.weightedIoMs / MS_PER_S],
]

const OPERATIONS: Array<[string, (d: BlkioDeviceSample) => number | undefined]> = [
  ['Read', (d) => d.readBytes],
  ['Write', (d) => d.writeBytes],
  ['Sync', (d) => d.syncBytes],
  ['Async', (d) => d.asyncBytes],
  ['Discard', (d) => d.discardBytes],
  ['Total', (d) => d.totalBytes],
]

function label(device: string): string {
  const name = deviceName(device)
  return name === '' ? '' : `device="${escapeLabelValue(name)}"`
}

export const diskioFamilies: FamilyModule = {
  families: [
    readBytes,
    reads,
    sectorReads,
    readsMerged,
    readSeconds,
    writeBytes,
    writes,
    sectorWrites,
    writesMerged,
    writeSeconds,
    ioCurrent,
    ioTime,
    ioTimeWeighted,
    costUsage,
    costWait,
    costIndebt,
    costIndelay,
    deviceUsage,
  ],
  write(out: SeriesSink, {sample}) {
    const written = new Set<string>()
    for (const d of sample?.diskio ?? []) {
      const dev = label(d.device)
      for (const [f, get] of BLKIO) {
        const v = get(d)
        if (v === undefined) continue
        out.add(f, v, dev)
        written.add(`${f.name}|${dev}`)
      }
      const ids = `${dev === '' ? '' : `${dev},`}major="${d.major}",minor="${d.minor}"`
      for (const [op, get] of OPERATIONS) {
        const v = get(d)
        if (v !== undefined) out.add(deviceUsage, v, `${ids},operation="${op}"`)
      }
    }
    // The filesystems' device counters (`/` only), where blkio gave no series of the same name
    // and device: one series per label set, blkio first, as cAdvisor's registry keeps it.
    for (const fs of sample?.filesystems ?? []) {
      if (!fs.io) continue
      const dev = label(fs.device)
      for (const [f, get] of DISKSTATS) {
        const key = `${f.name}|${dev}`
        if (written.has(key)) continue
        written.add(key)
        out.add(f, get(fs.io), dev)
      }
    }
  },
}
