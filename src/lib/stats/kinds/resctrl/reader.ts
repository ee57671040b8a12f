import {existsSync, readdirSync} from 'node:fs'

import type {ResctrlDomainSample} from '../../../model/index.js'
import {subtreeTasks} from '../../tasks.js'
import type {KindReader, ReadContext} from '../types.js'
import {addTasks, monitoringGroup, touch} from './groups.js'

/** How often a container's tasks are checked against its group (tasks that entered from outside). */
const SYNC_MS = 30_000

interface GroupState {
  path: string | undefined
  /** When the tasks were last compared with the group's (or a group last looked for). */
  checkedMs: number
  /** mon_data's domain directories (fixed while the filesystem is mounted). */
  domains: string[] | undefined
}

/** The resctrl filesystem's mount point beside the proc root's sys. */
export function resctrlRoot(sysRoot: string): string {
  return `${sysRoot}/fs/resctrl`
}

/** A mon_data value: a byte count, or undefined where the file is absent or says `Unavailable`. */
function value(ctx: ReadContext, path: string): number | undefined {
  const text = ctx.read(path)?.trim()
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined
}

function readDomains(ctx: ReadContext, group: string, state: GroupState): ResctrlDomainSample[] {
  if (state.domains === undefined) {
    try {
      state.domains = readdirSync(`${group}/mon_data`).sort()
    } catch {
      return []
    }
  }
  return state.domains.map((d) => {
    const dir = `${group}/mon_data/${d}`
    const out: ResctrlDomainSample = {}
    const total = value(ctx, `${dir}/mbm_total_bytes`)
    const local = value(ctx, `${dir}/mbm_local_bytes`)
    const llc = value(ctx, `${dir}/llc_occupancy`)
    if (total !== undefined) out.mbmTotalBytes = total
    if (local !== undefined) out.mbmLocalBytes = local
    if (llc !== undefined) out.llcOccupancyBytes = llc
    return out
  })
}

/**
 * Kind `resctrl`: memory bandwidth (MBM) and last-level cache occupancy (CMT) of the
 * container's monitoring group (groups.ts), per mon_data domain. `/` reads the root group,
 * which counts every task not in another control group.
 */
export const resctrlReader: KindReader = {
  kind: 'resctrl',
  files: {
    v1: [
      '<sys>/fs/resctrl/tasks and <control group>/mon_groups/*/tasks (read when a group is looked for)',
      '<group>/mon_data/*/{mbm_total_bytes,mbm_local_bytes,llc_occupancy}',
    ],
    v2: [
      '<sys>/fs/resctrl/tasks and <control group>/mon_groups/*/tasks (read when a group is looked for)',
      '<group>/mon_data/*/{mbm_total_bytes,mbm_local_bytes,llc_occupancy}',
    ],
  },
  read(ctx, sample) {
    const root = resctrlRoot(ctx.sysRoot)
    // Without monitoring the kind said so at start (index.ts); nothing to read or make.
    if (!ctx.state('resctrl.monitoring', () => existsSync(`${root}/info/L3_MON`))) return
    const state = ctx.state<GroupState>('resctrl.group', () => ({path: undefined, checkedMs: -Infinity, domains: undefined}))
    const now = Date.now()
    if (ctx.name === '/') {
      state.path = root
    } else {
      // A group removed under us (resctrl remounted, an rmdir by hand) is looked for again.
      if (state.path !== undefined && !existsSync(state.path)) {
        state.path = undefined
        state.domains = undefined
        state.checkedMs = -Infinity
      }
      // Also after a failure: the next attempt waits, so a container that cannot have a group
      // does not cost a walk of every tasks file each tick.
      if (now - state.checkedMs >= SYNC_MS) {
        state.checkedMs = now
        const tasks = subtreeTasks(ctx, 'threads')
        // No task: nothing to count, and no group to make (cAdvisor makes none either).
        if (tasks !== undefined && tasks.length > 0) {
          if (state.path === undefined) state.path = monitoringGroup(root, ctx.name, tasks, now)
          else addTasks(state.path, tasks)
        }
      }
      if (state.path === undefined) return
      touch(state.path, now)
    }
    const domains = readDomains(ctx, state.path, state)
    if (domains.length > 0) sample.resctrl = domains
  },
}
