import {FileParseError} from '../../files.js'
import {toUint} from '../../parse.js'
import type {NumaPages, NumaSample} from '../../../model/index.js'
import {pageSize} from '../../../util/index.js'
import type {KindReader} from '../types.js'

type Counts = Map<string, Map<number, number>>

/** `key[=total] N0=v N1=v …` lines → key → node → value. */
function parseNumaLines(text: string, path: string): Counts {
  const out: Counts = new Map()
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    const f = line.split(' ')
    const eq = f[0]!.indexOf('=')
    const key = eq < 0 ? f[0]! : f[0]!.slice(0, eq)
    const nodes = new Map<number, number>()
    for (let j = 1; j < f.length; j++) {
      const m = /^N(\d+)=(\d+)$/.exec(f[j]!)
      if (!m) throw new FileParseError(path, `line ${i + 1}: "${f[j]!.slice(0, 40)}" is not N<node>=<value>`)
      nodes.set(Number(m[1]), toUint(m[2]!))
    }
    out.set(key, nodes)
  }
  return out
}

function pages(counts: Counts, prefix: string, path: string, scale: number): NumaPages {
  const one = (key: string): number[] => {
    const nodes = counts.get(prefix + key)
    if (!nodes) throw new FileParseError(path, `no "${prefix}${key}" line`)
    const out: number[] = []
    for (const [node, v] of nodes) out[node] = Math.floor(v / scale)
    // A node missing from the line (sparse node ids) counts 0 pages.
    return Array.from(out, (v) => v ?? 0)
  }
  return {file: one('file'), anon: one('anon'), unevictable: one('unevictable')}
}

/**
 * v1 memory.numa_stat: pages per node for the cgroup itself (`file=`, `anon=`, `unevictable=`)
 * and for its subtree (`hierarchical_…=`), cAdvisor's container and hierarchy scopes.
 * v2 has only the subtree, in bytes (`anon N0=…`); cAdvisor reads nothing there, cadv divides
 * by the page size and reports the hierarchy scope.
 */
export function parseNumaStat(text: string, path: string, version: 1 | 2): NumaSample {
  const counts = parseNumaLines(text, path)
  if (version === 2) return {hierarchy: pages(counts, '', path, pageSize())}
  return {container: pages(counts, '', path, 1), hierarchy: pages(counts, 'hierarchical_', path, 1)}
}

export const numaReader: KindReader = {
  kind: 'memory_numa',
  files: {v1: ['memory.numa_stat'], v2: ['memory.numa_stat (bytes, divided by the page size)']},
  read(ctx, sample) {
    const dir = ctx.dir('memory')
    if (dir === undefined) return
    const path = `${dir.path}/memory.numa_stat`
    const text = ctx.read(path)
    if (text === undefined) return
    const numa = ctx.attempt(() => parseNumaStat(text, path, dir.version))
    if (numa !== undefined) sample.numa = numa
  },
}
