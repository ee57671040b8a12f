// Kind `memory`: memory.stat / memory.usage_in_bytes (v1) and memory.current / memory.stat (v2).
import type {Family, FamilyModule} from '../../../model/index.js'

const cache: Family = {name: 'container_memory_cache', type: 'gauge', help: 'Number of bytes of page cache memory.'}
const rss: Family = {name: 'container_memory_rss', type: 'gauge', help: 'Size of RSS in bytes.'}
const kernel: Family = {name: 'container_memory_kernel_usage', type: 'gauge', help: 'Size of kernel memory allocated in bytes.'}
const mapped: Family = {name: 'container_memory_mapped_file', type: 'gauge', help: 'Size of memory mapped files in bytes.'}
const swap: Family = {name: 'container_memory_swap', type: 'gauge', help: 'Container swap usage in bytes.'}
const failcnt: Family = {
  name: 'container_memory_failcnt',
  type: 'counter',
  help: 'Number of memory usage hits limits',
  nonStandardCounter: true,
}
const usage: Family = {
  name: 'container_memory_usage_bytes',
  type: 'gauge',
  help: 'Current memory usage in bytes, including all memory regardless of when it was accessed',
}
const maxUsage: Family = {name: 'container_memory_max_usage_bytes', type: 'gauge', help: 'Maximum memory usage recorded in bytes'}
const workingSet: Family = {name: 'container_memory_working_set_bytes', type: 'gauge', help: 'Current working set in bytes.'}
const failures: Family = {name: 'container_memory_failures_total', type: 'counter', help: 'Cumulative count of memory allocation failures.'}

export const memoryFamilies: FamilyModule = {
  families: [cache, rss, kernel, mapped, swap, failcnt, usage, maxUsage, workingSet, failures],
  write(out, {sample}) {
    const m = sample?.memory
    if (!m) return
    if (m.cacheBytes !== undefined) out.add(cache, m.cacheBytes)
    if (m.rssBytes !== undefined) out.add(rss, m.rssBytes)
    if (m.kernelBytes !== undefined) out.add(kernel, m.kernelBytes)
    if (m.mappedFileBytes !== undefined) out.add(mapped, m.mappedFileBytes)
    if (m.swapBytes !== undefined) out.add(swap, m.swapBytes)
    if (m.failcnt !== undefined) out.add(failcnt, m.failcnt)
    out.add(usage, m.usageBytes)
    if (m.maxUsageBytes !== undefined) out.add(maxUsage, m.maxUsageBytes)
    out.add(workingSet, m.workingSetBytes)
    // cAdvisor reports the same memory.stat value under both scopes; kept for queries that pick one.
    for (const scope of ['container', 'hierarchy']) {
      if (m.pgfault !== undefined) out.add(failures, m.pgfault, `failure_type="pgfault",scope="${scope}"`)
      if (m.pgmajfault !== undefined) out.add(failures, m.pgmajfault, `failure_type="pgmajfault",scope="${scope}"`)
    }
  },
}
