import {readTaskFile} from '../../tasks.js'
import {networkPid, type NetnsPid} from '../../netns.js'
import type {Sample, SocketsSample} from '../../../model/index.js'
import type {ReadContext} from '../types.js'

/**
 * The text of /proc/<pid>/net/<file> for the process that stands for the container's network
 * namespace (the network kind's choice: none for a container sharing another's namespace, or a
 * raw cgroup in the host's), or undefined. Kept open while that process stands for it; a new
 * process closes the old one's files.
 */
/**
 * Reads and parses the IPv4 and IPv6 files of one socket kind (`tcp`/`tcp6`, `udp`/`udp6`),
 * each into its part of the sample's sockets; a file that fails to parse costs only its part.
 */
export function readSocketPair<T>(
  ctx: ReadContext,
  sample: Sample,
  kind: 'tcp' | 'udp',
  parse: (text: string, path: string) => T,
  set: (sockets: SocketsSample, v4: T | undefined, v6: T | undefined) => void,
): void {
  const texts = readNetFile(ctx, kind, [kind, `${kind}6`])
  if (texts === undefined) return
  const [v4, v6] = texts.map(([path, text]) => (text === undefined ? undefined : ctx.attempt(() => parse(text, path))))
  if (v4 === undefined && v6 === undefined) return
  sample.sockets ??= {}
  set(sample.sockets, v4, v6)
}

export function readNetFile(ctx: ReadContext, kind: string, files: readonly string[]): Array<[string, string | undefined]> | undefined {
  const pid = networkPid(ctx)
  const current = ctx.state<{pid: NetnsPid}>(`${kind}.netns`, () => ({pid: 0}))
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
