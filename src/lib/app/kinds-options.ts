/*
 * The kinds' own flags (cli/kinds-flags.ts) as manager options: the disk kind's walker and
 * referenced_memory's reset interval.
 */
import type {ManagerOptions} from '../manager/index.js'

export interface KindsFlagValues {
  'disk-usage-interval': number
  'disk-usage-concurrency': number
  'referenced-reset-interval': number
  'deleted-last-seen': number
  'enable-load-reader': boolean
}

/** `named`: the kinds listed in --enable-metrics (naming cpuLoad turns its reader on). */
export function kindOptionsFrom(flags: KindsFlagValues, named: readonly string[] = []): Pick<ManagerOptions, 'diskUsage' | 'kindOptions'> {
  return {
    diskUsage: {intervalMs: flags['disk-usage-interval'], concurrency: flags['disk-usage-concurrency']},
    kindOptions: {
      referencedResetInterval: flags['referenced-reset-interval'],
      loadReader: flags['enable-load-reader'] || named.includes('cpuLoad'),
    },
  }
}
