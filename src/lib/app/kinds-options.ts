/*
 * The kinds' own flags (cli/kinds-flags.ts) as manager options: the disk kind's walker and
 * referenced_memory's reset interval, cpuLoad's reader, perf_event's configuration (read and
 * checked here, at start: a bad file is one line and exit 2).
 */
import type {ManagerOptions} from '../manager/index.js'
import {readPerfConfig, sysRootFor} from '../stats/index.js'

export interface KindsFlagValues {
  'disk-usage-interval': number
  'disk-usage-concurrency': number
  'referenced-reset-interval': number
  'deleted-last-seen': number
  'enable-load-reader': boolean
  'perf-events-config'?: string
  'proc-root': string
}

/** `named`: the kinds listed in --enable-metrics (naming cpuLoad turns its reader on). */
export function kindOptionsFrom(flags: KindsFlagValues, named: readonly string[] = []): Pick<ManagerOptions, 'diskUsage' | 'kindOptions'> {
  return {
    diskUsage: {intervalMs: flags['disk-usage-interval'], concurrency: flags['disk-usage-concurrency']},
    kindOptions: {
      referencedResetInterval: flags['referenced-reset-interval'],
      loadReader: flags['enable-load-reader'] || named.includes('cpuLoad'),
      ...(flags['perf-events-config'] ? {perfEvents: readPerfConfig(flags['perf-events-config'], sysRootFor(flags['proc-root']))} : {}),
    },
  }
}
