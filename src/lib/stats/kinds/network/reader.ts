import {CgroupVanished, FileParseError} from '../../files.js'
import {networkPid, type NetnsPid} from '../../netns.js'
import {toUint, uintProblem} from '../../parse.js'
import type {NetworkInterfaceSample} from '../../../model/index.js'
import type {KindReader} from '../types.js'

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

export const networkReader: KindReader = {
  kind: 'network',
  freshParts: ['network'],
  files: {
    // Which pid, and whether its namespace is the host's: netns.ts.
    v1: [
      'pids.current (0: no process, cgroup.procs not read)',
      'cgroup.procs (first pid; pids hierarchy, else cpu or memory; skipped when the runtime gave a pid; read again when pids.current moves, the first pid exits, or 30 s passed)',
      '<proc>/<pid>/ns/net (link, with cgroup.procs)',
      '<proc>/<pid>/net/dev',
    ],
    v2: [
      'pids.current (where the pids controller is enabled; 0: no process, cgroup.procs not read)',
      'cgroup.procs (first pid; skipped when the runtime gave a pid; read again when pids.current moves, the first pid exits, or 30 s passed)',
      '<proc>/<pid>/ns/net (link, with cgroup.procs)',
      '<proc>/<pid>/net/dev',
    ],
  },
  read(ctx, sample) {
    const current = ctx.state<{path?: string; pid?: NetnsPid}>('network.current', () => ({}))
    const pid = networkPid(ctx, sample)
    // The same process's path is the same string from tick to tick: none to build and hash in
    // the tables of kept descriptors each time.
    const path = pid === 0 ? undefined : pid === current.pid && current.path !== undefined ? current.path : `${ctx.procRoot}/${pid}/net/dev`
    if (current.path !== undefined && current.path !== path) ctx.release(current.path)
    current.path = path
    current.pid = pid
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
