/*
 * A process's RSS by kind of mapping, from /proc/<pid>/smaps: where the megabytes of a serve
 * are, so that a change to one of them is seen as that change and not as noise in the total
 * (two identical serves side by side differ by several MiB at any moment). Node's own binary
 * is tens of MiB of file pages that no code of ours controls directly; glibc's main arena and
 * the per-thread arenas are what GLIBC_TUNABLES changes; the rest is V8's heaps of every
 * isolate, thread stacks and blocks large enough for malloc to map on their own.
 */
import {readFileSync, readlinkSync} from 'node:fs'

export interface RssParts {
  /** File pages of the executable (node). */
  binary: number
  /** File pages of every other file (libraries). */
  files: number
  /** glibc's main arena ([heap]). */
  mallocMain: number
  /** glibc's per-thread arenas: anonymous mappings at 64 MiB boundaries (HEAP_MAX_SIZE) with the rest of that reservation after them. */
  arenas: number
  /** Every other anonymous mapping: V8's heaps, thread stacks, malloc's mmapped blocks. */
  otherAnon: number
  /** The sum, as VmRSS would say it (kB granularity). */
  total: number
}

const ARENA_ALIGN = 64 * 2 ** 20

interface Mapping {
  start: number
  end: number
  perms: string
  path: string
  rssKiB: number
}

function mappings(smaps: string): Mapping[] {
  const out: Mapping[] = []
  for (const line of smaps.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (head) {
      out.push({start: parseInt(head[1]!, 16), end: parseInt(head[2]!, 16), perms: head[3]!, path: head[4]!, rssKiB: 0})
      continue
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (rss && out.length > 0) out[out.length - 1]!.rssKiB = Number(rss[1])
  }
  return out
}

/** The parts of one smaps text; `binary`: the executable's path as smaps names it. MiB. */
export function rssParts(smaps: string, binary: string): RssParts {
  const parts: RssParts = {binary: 0, files: 0, mallocMain: 0, arenas: 0, otherAnon: 0, total: 0}
  const maps = mappings(smaps)
  for (const [i, m] of maps.entries()) {
    const mib = m.rssKiB / 1024
    parts.total += mib
    if (m.path === binary) parts.binary += mib
    else if (m.path === '[heap]') parts.mallocMain += mib
    else if (m.path.startsWith('/')) parts.files += mib
    else if (m.path === '' && m.perms.startsWith('rw') && m.start % ARENA_ALIGN === 0 && isArena(m, maps[i + 1])) parts.arenas += mib
    else parts.otherAnon += mib
  }
  return parts
}

/** A thread arena is mapped as 64 MiB reserved, the used front read-write and the rest PROT_NONE right after it. */
function isArena(m: Mapping, next: Mapping | undefined): boolean {
  if (m.end - m.start === ARENA_ALIGN) return true
  return (
    next !== undefined && next.start === m.end && next.path === '' && next.perms.startsWith('---') && next.end - m.start === ARENA_ALIGN
  )
}

/** The parts of a running process, with its thread count. */
export function rssPartsOf(pid: number): RssParts & {threads: number} {
  const parts = rssParts(readFileSync(`/proc/${pid}/smaps`, 'latin1'), readlinkSync(`/proc/${pid}/exe`))
  const threads = Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? Number.NaN)
  return {...parts, threads}
}

/** One line: `node binary 43.3, other files 3.8, malloc main 10.0, thread arenas 5.6, other anon 41.6 MiB; 12 threads`. */
export function formatRssParts(p: RssParts & {threads: number}): string {
  const f = (n: number): string => n.toFixed(1)
  return `node binary ${f(p.binary)}, other files ${f(p.files)}, malloc main arena ${f(p.mallocMain)}, thread arenas ${f(p.arenas)}, other anon (V8 heaps, stacks, mapped blocks) ${f(p.otherAnon)} MiB; ${p.threads} threads`
}
