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
const activeFile: Family = {name: 'container_memory_total_active_file_bytes', type: 'gauge', help: 'Current total active file in bytes.'}
const inactiveFile: Family = {
  name: 'container_memory_total_inactive_file_bytes',
  type: 'gauge',
  help: 'Current total inactive file in bytes.',
}
const failures: Family = {name: 'container_memory_failures_total', type: 'counter', help: 'Cumulative count of memory allocation failures.'}
const eventsHigh: Family = {
  name: 'container_memory_events_high_total',
  type: 'counter',
  help: 'Cumulative count of memory.high throttle events for the container',
}
const eventsMax: Family = {
  name: 'container_memory_events_max_total',
  type: 'counter',
  help: 'Cumulative count of memory.max limit hit events for the container',
}
const fileDirty: Family = {
  name: 'container_memory_file_dirty_bytes',
  type: 'gauge',
  help: 'Number of bytes of file cache that has been modified but not yet written back to disk.',
}
const fileWriteback: Family = {
  name: 'container_memory_file_writeback_bytes',
  type: 'gauge',
  help: 'Number of bytes of file cache that is currently being written back to disk.',
}
const pgscan: Family = {
  name: 'container_memory_pgscan_total',
  type: 'counter',
  help: 'Cumulative number of pages scanned by the page reclaim algorithm.',
}
const pgsteal: Family = {
  name: 'container_memory_pgsteal_total',
  type: 'counter',
  help: 'Cumulative number of pages reclaimed by the page reclaim algorithm.',
}
const refaultFile: Family = {
  name: 'container_memory_workingset_refault_file_total',
  type: 'counter',
  help: 'Cumulative number of refaults of previously evicted file pages.',
}
const refaultAnon: Family = {
  name: 'container_memory_workingset_refault_anon_total',
  type: 'counter',
  help: 'Cumulative number of refaults of previously evicted anonymous pages.',
}

export const memoryFamilies: FamilyModule = {
  families: [
    cache,
    rss,
    kernel,
    mapped,
    swap,
    failcnt,
    usage,
    maxUsage,
    workingSet,
    activeFile,
    inactiveFile,
    failures,
    eventsHigh,
    eventsMax,
    fileDirty,
    fileWriteback,
    pgscan,
    pgsteal,
    refaultFile,
    refaultAnon,
  ],
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
    if (m.activeFileBytes !== undefined) out.add(activeFile, m.activeFileBytes)
    if (m.inactiveFileBytes !== undefined) out.add(inactiveFile, m.inactiveFileBytes)
    // cAdvisor reports the same memory.stat value under both scopes; kept for queries that pick one.
    for (const scope of ['container', 'hierarchy']) {
      if (m.pgfault !== undefined) out.add(failures, m.pgfault, `failure_type="pgfault",scope="${scope}"`)
      if (m.pgmajfault !== undefined) out.add(failures, m.pgmajfault, `failure_type="pgmajfault",scope="${scope}"`)
    }
    // cAdvisor writes 0 where the kernel has no such counter (v1: events, pgscan, pgsteal);
    // cadv writes no series, so "never happened" and "cannot be known" stay apart.
    if (m.eventsHigh !== undefined) out.add(eventsHigh, m.eventsHigh)
    if (m.eventsMax !== undefined) out.add(eventsMax, m.eventsMax)
    if (m.fileDirtyBytes !== undefined) out.add(fileDirty, m.fileDirtyBytes)
    if (m.fileWritebackBytes !== undefined) out.add(fileWriteback, m.fileWritebackBytes)
    if (m.pgscan !== undefined) out.add(pgscan, m.pgscan)
    if (m.pgsteal !== undefined) out.add(pgsteal, m.pgsteal)
    if (m.workingsetRefaultFile !== undefined) out.add(refaultFile, m.workingsetRefaultFile)
    if (m.workingsetRefaultAnon !== undefined) out.add(refaultAnon, m.workingsetRefaultAnon)
  },
}
