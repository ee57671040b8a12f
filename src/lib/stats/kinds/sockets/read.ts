import {readTaskFile} from '../../tasks.js'
import {networkPid} from '../network/reader.js'
import type {ReadContext} from '../types.js'

/**
 * The text of /proc/<pid>/net/<file> for the process that stands for the container's network
 * namespace (the network kind's choice: none for a container sharing another's namespace, or a
 * raw cgroup in the host's), or undefined. Kept open while that process stands for it; a new
 * process closes the old one's files.
 */
export function readNetFile(ctx: ReadContext, kind: string, files: readonly string[]): Array<[string, string | undefined]> | undefined {
  const pid = networkPid(ctx)
  const current = ctx.state<{pid: number}>(`${kind}.netns`, () => ({pid: 0}))
  if (current.pid !== pid) {
    for (const f of files) ctx.release(`${ctx.procRoot}/${current.pid}/net/${f}`)
    current.pid = pid
  }
  if (pid === 0) return undefined
  return files.map((f) => {
    const path = `${ctx.procRoot}/${pid}/net/${f}`
    return [path, readTaskFile(ctx, path)]
  })
}
