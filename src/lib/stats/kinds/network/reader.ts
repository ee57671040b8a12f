import {CgroupVanished, FileParseError, readlinkQuiet} from '../../files.js'
import {toUint, uintProblem} from '../../parse.js'
import {ownTasks} from '../../tasks.js'
import type {NetworkInterfaceSample} from '../../../model/index.js'
import type {KindReader, ReadContext} from '../types.js'

/** Host-side and loopback interfaces that say nothing about a container's own traffic. */
const SKIPPED_PREFIXES = ['lo', 'veth', 'docker', 'nerdctl']

/**
 * /proc/<pid>/net/dev: two header lines, then `iface: rx_bytes rx_packets rx_errs rx_drop
 * fifo frame compressed multicast tx_bytes tx_packets tx_errs tx_drop …` (16 numbers).
 */
export function parseNetDev(text: string, path: string): NetworkInterfaceSample[] {
  const out: NetworkInterfaceSample[] = []
  const lines = text.split('\n')
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === '') continue
    const colon = line.indexOf(':')
    if (colon < 0) throw new FileParseError(path, `line ${i + 1}: no "interface:" prefix`)
    const name = line.slice(0, colon).trim()
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
    if (f.length !== 16) throw new FileParseError(path, `line ${i + 1} (${name}): expected 16 counters, got ${f.length}`)
    const n = f.map(toUint)
    const bad = n.findIndex(Number.isNaN)
    if (bad >= 0) throw new FileParseError(path, `line ${i + 1} (${name}): ${uintProblem(f[bad]!)}`)
    const lower = name.toLowerCase()
    if (SKIPPED_PREFIXES.some((p) => lower.startsWith(p))) continue
    out.push({
      name,
      rxBytes: n[0]!,
      rxPackets: n[1]!,
      rxErrors: n[2]!,
      rxDropped: n[3]!,
      txBytes: n[8]!,
      txPackets: n[9]!,
      txErrors: n[10]!,
      txDropped: n[11]!,
    })
  }
  return out
}

/**
 * Which process stands for the container's network namespace: the runtime's pid when it gave
 * one, pid 1 for the root cgroup, else the first process in the cgroup. A raw cgroup whose
 * process lives in the host's namespace reports nothing: the host's interfaces are not its own.
 */
export function networkPid(ctx: ReadContext): number {
  if (!ctx.hasNetwork) return 0
  if (ctx.pid > 0) return ctx.pid
  if (ctx.name === '/') return 1
  // The task list shared with the other kinds this tick; an empty v1 cgroup is known from its
  // kept pids.current without opening cgroup.procs (stats/tasks.ts).
  const pid = ownTasks(ctx, 'procs')?.[0]
  if (pid === undefined || pid === 0) return 0
  const ns = readlinkQuiet(`${ctx.procRoot}/${pid}/ns/net`)
  // pid 1's link can be unreadable (ptrace rules in a sandbox or a container): cadv's own
  // namespace then stands for the host's, so host processes do not show the host's traffic.
  const hostNs = ctx.state(
    'network.hostNs',
    () => readlinkQuiet(`${ctx.procRoot}/1/ns/net`) ?? readlinkQuiet(`${ctx.procRoot}/self/ns/net`),
  )
  if (ns !== undefined && ns === hostNs) return 0
  return pid
}

export const networkReader: KindReader = {
  kind: 'network',
  files: {
    v1: [
      'pids.current (0: no process, cgroup.procs not read)',
      'cgroup.procs (first pid; pids hierarchy, else cpu or memory; skipped when the runtime gave a pid)',
      '<proc>/<pid>/ns/net (link)',
      '<proc>/<pid>/net/dev',
    ],
    v2: [
      'pids.current (where the pids controller is enabled; 0: no process, cgroup.procs not read)',
      'cgroup.procs (first pid; skipped when the runtime gave a pid)',
      '<proc>/<pid>/ns/net (link)',
      '<proc>/<pid>/net/dev',
    ],
  },
  read(ctx, sample) {
    const current = ctx.state<{path?: string}>('network.current', () => ({}))
    const pid = networkPid(ctx)
    const path = pid > 0 ? `${ctx.procRoot}/${pid}/net/dev` : undefined
    if (current.path !== undefined && current.path !== path) ctx.release(current.path)
    current.path = path
    if (path === undefined) return
    let text: string | undefined
    try {
      text = ctx.read(path)
    } catch (err) {
      // The process exited between cgroup.procs and net/dev: no network this tick, not a vanished cgroup.
      if (err instanceof CgroupVanished) {
        ctx.release(path)
        current.path = undefined
        return
      }
      throw err
    }
    if (text === undefined) return
    sample.network = parseNetDev(text, path)
  },
}
