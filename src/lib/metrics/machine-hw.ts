/*
 * Memory modules and NVDIMMs as the kernel lists them in /sys, for machine_dimm_* and
 * machine_nvm_*: EDAC's memory controllers (/sys/devices/system/edac/mc/mcN/dimmN, what
 * cAdvisor reads) and the NVDIMM bus (/sys/bus/nd/devices/regionN). Either may be absent
 * (a VM, no EDAC driver): then there is nothing, not zeros.
 */
import {readdirSync} from 'node:fs'

import {readBoundedText} from '../util/index.js'

function text(path: string): string | undefined {
  try {
    return readBoundedText(path, 64 * 1024).trim()
  } catch {
    return undefined
  }
}

function dirs(dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(dir)
      .filter((e) => pattern.test(e))
      .sort()
  } catch {
    return []
  }
}

export interface DimmType {
  type: string
  count: number
  capacityBytes: number
}

/** DIMMs per memory type (`Unbuffered-DDR4`), from each EDAC dimmN's dimm_mem_type and size (MiB). */
export function readDimms(sysRoot: string): DimmType[] {
  const byType = new Map<string, DimmType>()
  const mc = `${sysRoot}/devices/system/edac/mc`
  for (const ctl of dirs(mc, /^mc\d+$/)) {
    for (const dimm of dirs(`${mc}/${ctl}`, /^(dimm|rank)\d+$/)) {
      const type = text(`${mc}/${ctl}/${dimm}/dimm_mem_type`)
      const mib = Number(text(`${mc}/${ctl}/${dimm}/size`))
      if (type === undefined || !Number.isFinite(mib)) continue
      const t = byType.get(type) ?? {type, count: 0, capacityBytes: 0}
      t.count++
      t.capacityBytes += mib * 1024 * 1024
      byType.set(type, t)
    }
  }
  return [...byType.values()]
}

/**
 * Persistent memory the kernel exposes as regions (app direct mode), in bytes; undefined
 * without NVDIMM regions. Memory-mode capacity is ordinary RAM to the kernel and only Intel's
 * ipmctl can tell it, as can the power budget: neither is reported.
 */
export function readNvmAppDirectBytes(sysRoot: string): number | undefined {
  const bus = `${sysRoot}/bus/nd/devices`
  const regions = dirs(bus, /^region\d+$/).filter((r) => text(`${bus}/${r}/devtype`) !== 'nd_blk')
  if (regions.length === 0) return undefined
  return regions.reduce((sum, r) => sum + (Number(text(`${bus}/${r}/size`)) || 0), 0)
}
