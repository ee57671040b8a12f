import {readdirSync} from 'node:fs'

import {parseKeyValue, parseSingle} from '../../parse.js'
import type {HugetlbSample} from '../../../model/index.js'
import type {KindReader, ReadContext} from '../types.js'

/** `hugepages-2048kB` → `2MB`, as the kernel names the cgroup files (hugetlb.2MB.*). */
export function pageSizeName(kB: number): string {
  if (kB % (1024 * 1024) === 0) return `${kB / (1024 * 1024)}GB`
  if (kB % 1024 === 0) return `${kB / 1024}MB`
  return `${kB}KB`
}

/** The huge page sizes the kernel supports, from /sys/kernel/mm/hugepages (read once). */
export function hugePageSizes(sysRoot: string): string[] {
  try {
    return readdirSync(`${sysRoot}/kernel/mm/hugepages`)
      .map((d) => /^hugepages-(\d+)kB$/.exec(d))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b)
      .map(pageSizeName)
  } catch {
    return []
  }
}

function sizes(ctx: ReadContext): string[] {
  return ctx.state('hugetlb.sizes', () => hugePageSizes(ctx.sysRoot))
}

/**
 * Kind `hugetlb`: per huge page size, v1 hugetlb.<size>.usage_in_bytes, max_usage_in_bytes and
 * failcnt; v2 hugetlb.<size>.current and the `max` count of hugetlb.<size>.events (allocations
 * refused at the limit), as cAdvisor maps them. A size whose files are missing is left out.
 */
export const hugetlbReader: KindReader = {
  kind: 'hugetlb',
  files: {
    v1: ['hugetlb.<size>.usage_in_bytes', 'hugetlb.<size>.max_usage_in_bytes', 'hugetlb.<size>.failcnt'],
    v2: ['hugetlb.<size>.current', 'hugetlb.<size>.events'],
  },
  read(ctx, sample) {
    const dir = ctx.dir('hugetlb')
    if (dir === undefined) return
    const out: HugetlbSample[] = []
    for (const size of sizes(ctx)) {
      const base = `${dir.path}/hugetlb.${size}`
      const one = (file: string): number | undefined => {
        const path = `${base}.${file}`
        const text = ctx.read(path)
        return text === undefined ? undefined : ctx.attempt(() => parseSingle(text, path))
      }
      if (dir.version === 1) {
        const usage = one('usage_in_bytes')
        if (usage === undefined) continue
        const h: HugetlbSample = {pageSize: size, usageBytes: usage, failcnt: one('failcnt') ?? 0}
        const max = one('max_usage_in_bytes')
        if (max !== undefined) h.maxUsageBytes = max
        out.push(h)
      } else {
        const usage = one('current')
        if (usage === undefined) continue
        const path = `${base}.events`
        const text = ctx.read(path)
        const events = text === undefined ? undefined : ctx.attempt(() => parseKeyValue(text, path))
        out.push({pageSize: size, usageBytes: usage, failcnt: events?.get('max') ?? 0})
      }
    }
    if (out.length > 0) sample.hugetlb = out
  },
}
