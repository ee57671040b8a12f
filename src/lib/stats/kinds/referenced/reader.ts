import {writeFileSync} from 'node:fs'

import {readTaskFile, subtreeTasks} from '../../tasks.js'
import type {KindReader} from '../types.js'

/** The `Referenced:` line of smaps_rollup, in kB. */
export function referencedKb(text: string): number | undefined {
  const m = /^Referenced:\s+(\d+) kB/m.exec(text)
  return m ? Number(m[1]) : undefined
}

/**
 * Kind `referenced_memory`: memory the processes of the cgroup (and its sub-cgroups) touched
 * since their referenced bits were last cleared. cAdvisor sums `Referenced:` over every mapping
 * of /proc/<pid>/smaps; /proc/<pid>/smaps_rollup gives the same sum without a line per
 * mapping (cAdvisor #2622: seconds per reading for large processes). With
 * `--referenced-reset-interval N` the bits are cleared every N readings by writing 1 to
 * /proc/<pid>/clear_refs, as cAdvisor does: intrusive (it affects the kernel's page aging for
 * those processes), so never by default.
 */
export const referencedReader: KindReader = {
  kind: 'referenced_memory',
  files: {
    v1: [
      'cgroup.procs of the cgroup and its sub-cgroups',
      '<proc>/<pid>/smaps_rollup',
      '<proc>/<pid>/clear_refs (written, only with a reset interval)',
    ],
    v2: [
      'cgroup.procs of the cgroup and its sub-cgroups',
      '<proc>/<pid>/smaps_rollup',
      '<proc>/<pid>/clear_refs (written, only with a reset interval)',
    ],
  },
  read(ctx, sample) {
    // The root's subtree is every process on the host: not a container's working set.
    if (ctx.name === '/') return
    const pids = subtreeTasks(ctx, 'procs')
    if (pids === undefined) return
    let kb = 0
    let readable = 0
    for (const pid of pids) {
      const text = readTaskFile(ctx, `${ctx.procRoot}/${pid}/smaps_rollup`, false)
      const v = text === undefined ? undefined : referencedKb(text)
      if (v === undefined) continue
      kb += v
      readable++
    }
    // Processes none of whose smaps_rollup could be read (another /proc, kernel < 4.14): no
    // series rather than a false 0.
    if (pids.length > 0 && readable === 0) return
    sample.referencedBytes = kb * 1024
    const every = ctx.options.referencedResetInterval ?? 0
    if (every <= 0) return
    const cycles = ctx.state('referenced.cycles', () => ({n: 0}))
    if (++cycles.n % every !== 0) return
    for (const pid of pids) {
      try {
        writeFileSync(`${ctx.procRoot}/${pid}/clear_refs`, '1')
      } catch {
        // exited, or not ours to clear (another user's process without CAP_SYS_PTRACE)
      }
    }
  },
}
