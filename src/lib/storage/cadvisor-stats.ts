/*
 * A sample as cAdvisor's ContainerStats JSON (info/v1, snake case), the `container_stats` of
 * its redis, kafka and elasticsearch documents. Fields map what cadv collects; a field cadv
 * does not measure is left out rather than written as 0 (a Go consumer reads both as 0).
 */
import type {BlkioDeviceSample, NetworkInterfaceSample, PressureLine, Sample} from '../model/index.js'

type Json = Record<string, unknown>

/** Drops undefined members, so that absent values are absent in the JSON too. */
function obj(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k]
  return o
}

/** RFC 3339 with nanoseconds' precision as Go writes time.Time (trailing zeros trimmed, UTC `Z`). */
export function goTime(ms: number): string {
  const whole = Math.floor(ms)
  const iso = new Date(whole).toISOString()
  const frac = (ms - whole) * 1e6 + (whole % 1000) * 1e6
  const digits = String(Math.round(frac)).padStart(9, '0').replace(/0+$/, '')
  return `${iso.slice(0, 19)}${digits === '' ? '' : `.${digits}`}Z`
}

function iface(n: NetworkInterfaceSample): Json {
  return {
    name: n.name,
    rx_bytes: n.rxBytes,
    rx_packets: n.rxPackets,
    rx_errors: n.rxErrors,
    rx_dropped: n.rxDropped,
    tx_bytes: n.txBytes,
    tx_packets: n.txPackets,
    tx_errors: n.txErrors,
    tx_dropped: n.txDropped,
  }
}

function psi(p: PressureLine | undefined): Json | undefined {
  if (!p) return undefined
  return obj({some: {total: p.someUs}, full: p.fullUs === undefined ? undefined : {total: p.fullUs}})
}

function perDisk(devices: readonly BlkioDeviceSample[], read: keyof BlkioDeviceSample, write: keyof BlkioDeviceSample): Json[] {
  return devices.map((d) => {
    const r = d[read] as number
    const w = d[write] as number
    return {device: d.device, major: d.major, minor: d.minor, stats: {Read: r, Write: w, Total: r + w}}
  })
}

export function containerStatsJson(sample: Sample): Json {
  const {cpu, memory, network, diskio, processes, pressure} = sample
  return obj({
    timestamp: goTime(sample.timestampMs),
    cpu: cpu
      ? obj({
          usage: obj({total: cpu.usageNs, per_cpu_usage: cpu.perCpuNs, user: cpu.userNs, system: cpu.systemNs}),
          cfs:
            cpu.periods === undefined
              ? undefined
              : obj({
                  periods: cpu.periods,
                  throttled_periods: cpu.throttledPeriods,
                  throttled_time: cpu.throttledNs,
                  bursts_periods: cpu.bursts,
                  burst_time: cpu.burstNs,
                }),
          psi: psi(pressure?.cpu),
        })
      : undefined,
    diskio: diskio
      ? obj({
          io_service_bytes: perDisk(diskio, 'readBytes', 'writeBytes'),
          io_serviced: perDisk(diskio, 'reads', 'writes'),
          psi: psi(pressure?.io),
        })
      : undefined,
    memory: memory
      ? obj({
          usage: memory.usageBytes,
          max_usage: memory.maxUsageBytes,
          cache: memory.cacheBytes,
          rss: memory.rssBytes,
          swap: memory.swapBytes,
          mapped_file: memory.mappedFileBytes,
          working_set: memory.workingSetBytes,
          failcnt: memory.failcnt,
          kernel: memory.kernelBytes,
          container_data:
            memory.pgfault === undefined && memory.pgmajfault === undefined
              ? undefined
              : obj({pgfault: memory.pgfault, pgmajfault: memory.pgmajfault}),
          psi: psi(pressure?.memory),
        })
      : undefined,
    // cAdvisor's inline network figures are its first interface's.
    network: network ? {...(network[0] ? iface(network[0]) : {}), interfaces: network.map(iface)} : undefined,
    processes: processes
      ? obj({process_count: processes.processes, threads_current: processes.threads, threads_max: processes.threadsLimit})
      : undefined,
    oom_events: memory?.oomEvents,
  })
}

/** cAdvisor's redis and elasticsearch document: `{timestamp (µs), machine_name, container_Name, container_stats}`. */
export function cadvisorDocument(sample: Sample, machineName: string, containerName: string): Json {
  return {
    timestamp: Math.round(sample.timestampMs * 1000),
    machine_name: machineName,
    container_Name: containerName,
    container_stats: containerStatsJson(sample),
  }
}
