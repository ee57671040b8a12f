/*
 * `--host-netns` for the commands that read network numbers: the manager option, and a `-v`
 * line saying which namespace is the host's and how cadv knows.
 */
import type {CgroupLayout} from '../cgroups/index.js'
import {hostNetnsFor, type HostNetns} from '../stats/index.js'
import type {AppContext} from './context.js'

export interface NetnsFlagValues {
  'host-netns'?: string
}

/** Spread into createManager's options. A flag naming nothing throws HostNetnsError (exit 2). */
export function hostNetnsOption(flags: NetnsFlagValues, layout: CgroupLayout, ctx: AppContext): {hostNetns: HostNetns} {
  const hostNetns = hostNetnsFor(layout, flags['host-netns'])
  if (ctx.verbose) {
    const a = hostNetns.get()
    ctx.note(`host network namespace: ${a.inode === undefined ? a.how : `net:[${a.inode}], ${a.how}`}`)
  }
  return {hostNetns}
}
