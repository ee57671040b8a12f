/*
 * Machine metrics and cadv_version_info. Read once at start: cores and installed memory do not
 * change while cadv runs (cAdvisor re-reads every 5 minutes and re-exposes old timestamps, #3801).
 */
import {cpus, release} from 'node:os'
import {join} from 'node:path'

import {formatValue, labelPairs, type Family} from '../model/index.js'
import {meminfoBytes, readBoundedText, readMeminfo} from '../util/index.js'

export interface MachineInfo {
  cpuCores: number
  memoryBytes: number
  swapBytes: number
  machineId: string
  bootId: string
  systemUuid: string
  kernelVersion: string
  osVersion: string
}

function readTrim(path: string): string {
  try {
    return readBoundedText(path).trim()
  } catch {
    return ''
  }
}

function osPrettyName(): string {
  const text = readTrim('/etc/os-release')
  const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)
  return m?.[1] ?? 'Linux'
}

/** Machine facts from procRoot (meminfo, boot_id) and the host (machine-id, DMI uuid, os-release). */
export function readMachineInfo(procRoot = '/proc'): MachineInfo {
  const meminfo = readMeminfo(procRoot) ?? ''
  return {
    cpuCores: cpus().length,
    memoryBytes: meminfoBytes(meminfo, 'MemTotal') ?? 0,
    swapBytes: meminfoBytes(meminfo, 'SwapTotal') ?? 0,
    machineId: readTrim('/etc/machine-id') || readTrim('/var/lib/dbus/machine-id'),
    bootId: readTrim(join(procRoot, 'sys/kernel/random/boot_id')),
    systemUuid: readTrim('/sys/class/dmi/id/product_uuid'),
    kernelVersion: release(),
    osVersion: osPrettyName(),
  }
}

const cores: Family = {name: 'machine_cpu_cores', type: 'gauge', help: 'Number of logical CPU cores.'}
const memory: Family = {name: 'machine_memory_bytes', type: 'gauge', help: 'Amount of memory installed on the machine.'}
const swap: Family = {name: 'machine_swap_bytes', type: 'gauge', help: 'Amount of swap memory available on the machine.'}
/** Typed `info` in OpenMetrics (family `cadv_version`), a gauge in 0.0.4, as cadvisor_version_info is. */
export const versionFamily: Family = {
  name: 'cadv_version_info',
  type: 'gauge',
  help: "A metric with a constant '1' value labeled by kernel version, OS version and cadv version.",
  info: true,
}

export const MACHINE_FAMILIES: readonly Family[] = [cores, memory, swap]

/** Per family, the machine series lines (labels machine_id, system_uuid, boot_id as in cAdvisor). */
export function machineLines(m: MachineInfo): Map<Family, string> {
  const labels = labelPairs([
    ['machine_id', m.machineId],
    ['system_uuid', m.systemUuid],
    ['boot_id', m.bootId],
  ])
  const line = (f: Family, v: number): string => `${f.name}${labels === '' ? '' : `{${labels}}`} ${formatValue(v)}\n`
  return new Map([
    [cores, line(cores, m.cpuCores)],
    [memory, line(memory, m.memoryBytes)],
    [swap, line(swap, m.swapBytes)],
  ])
}

export function versionLine(m: MachineInfo, version: string): string {
  const labels = labelPairs([
    ['kernel_version', m.kernelVersion],
    ['os_version', m.osVersion],
    ['version', version],
  ])
  return `${versionFamily.name}{${labels}} 1\n`
}
