import {FileParseError} from '../../files.js'
import type {KindReader} from '../types.js'
import {sharedPerfCounter} from './counter.js'

/**
 * Kind `perf_event`: the events of --perf-events-config counted for the container's cgroup
 * (and the cgroups below it) on every CPU, by the process-wide counter (counter.ts). A tick
 * copies the totals so far; a container appears in the counts a few seconds after its first
 * reading.
 */
export const perfReader: KindReader = {
  kind: 'perf_event',
  files: {
    v1: ['perf stat --for-each-cgroup <container> (one process for all containers), its CSV lines'],
    v2: ['perf stat --for-each-cgroup <container> (one process for all containers), its CSV lines'],
  },
  read(ctx, sample) {
    const config = ctx.options.perfEvents
    if (config === undefined || config.core.length === 0) return
    const counter = sharedPerfCounter(config.file, config.core)
    const counts = counter.counts(ctx.name, Date.now())
    if (counter.problem !== undefined) throw new FileParseError('perf stat', counter.problem)
    if (counts === undefined) return
    sample.perf = [...counts.values()]
      .map((c) => ({event: c.event, cpu: c.cpu, count: c.total, ratio: c.ratio}))
      .sort((a, b) => (a.event === b.event ? a.cpu - b.cpu : a.event < b.event ? -1 : 1))
  },
}
