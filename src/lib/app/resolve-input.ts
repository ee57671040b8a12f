/*
 * What `cadv resolve` accepts as input: a container name (`/docker/<id>`), an absolute path
 * under a cgroup hierarchy (`/sys/fs/cgroup/memory/docker/<id>`, mapped to its name), or
 * lines of names from stdin or a file. Anything else is bad input, reported in one line.
 */
import {createReadStream, existsSync} from 'node:fs'
import {createInterface} from 'node:readline'
import type {Readable} from 'node:stream'

import {invalidNameReason, locatePath, type CgroupLayout, type ContainerName} from '../cgroups/index.js'
import {systemErrorText} from '../util/index.js'

/**
 * One input item: a name to resolve (with a note when no hierarchy on this host has it), or
 * why the text was refused.
 */
export type InputItem = {text: string; name: ContainerName; note?: string} | {text: string; error: string}

/** Whether the text lies under the cgroup root in use (a --cgroup-root tree), when it can be read. */
function underRoot(text: string, layout: () => CgroupLayout): boolean {
  try {
    const root = layout().cgroupRoot
    return text.startsWith(root.endsWith('/') ? root : `${root}/`)
  } catch {
    return false
  }
}

/** Whether some hierarchy has the cgroup; undefined when the cgroups cannot be looked at. */
function existsHere(name: ContainerName, layout: () => CgroupLayout): boolean | undefined {
  let l: CgroupLayout
  try {
    l = layout()
  } catch {
    return undefined
  }
  return l.hierarchies.some((h) => existsSync(name === '/' ? h.mountPoint : h.mountPoint + name))
}

/**
 * Maps one argument to a container name. A string that exists on disk (other than `/`) or
 * lies under the cgroup root is a path: it must be under a hierarchy and exist. Any other
 * string must be a well-formed name; one that exists in no hierarchy here still resolves
 * (a name from another host, or from CI), with a note saying so.
 */
export function classify(text: string, layout: () => CgroupLayout): InputItem {
  if (text === '/') return {text, name: '/'}
  if (text === '') return {text, error: 'empty name'}
  if (!text.startsWith('/')) return {text, error: 'not a container name or an absolute path (a name starts with /)'}
  const looksLikePath = existsSync(text) || text.startsWith('/sys/fs/cgroup/') || text === '/sys/fs/cgroup' || underRoot(text, layout)
  if (looksLikePath) {
    let l: CgroupLayout
    try {
      l = layout()
    } catch (err) {
      return {text, error: (err as Error).message}
    }
    const hit = locatePath(l, text)
    if (hit && !existsSync(text)) return {text, error: 'no such cgroup (nothing at that path)'}
    if (hit) return {text, name: hit.name}
    if (!text.startsWith(l.cgroupRoot) && !text.startsWith('/sys/fs/cgroup')) {
      return {text, error: `a path outside every cgroup hierarchy (they are under ${l.cgroupRoot})`}
    }
    return {text, error: `not under any mounted cgroup hierarchy (mounted: ${l.hierarchies.map((h) => h.mountPoint).join(' ')})`}
  }
  const bad = invalidNameReason(text)
  if (bad !== undefined) return {text, error: `malformed name: ${bad}`}
  return existsHere(text, layout) === false
    ? {text, name: text, note: 'no cgroup hierarchy on this host has this name'}
    : {text, name: text}
}

/** Lines of a stream, trimmed, blank lines skipped. */
export async function* lines(stream: Readable): AsyncGenerator<string> {
  const rl = createInterface({input: stream, crlfDelay: Infinity})
  for await (const line of rl) {
    const t = line.trim()
    if (t !== '') yield t
  }
}

/** A file's lines, or throws a one-line error with exit code 2 when it cannot be read. */
export async function* fileLines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path)
  try {
    // Surface ENOENT/EACCES before the first line, as a clean error.
    await new Promise<void>((resolve, reject) => {
      stream.once('readable', () => resolve())
      stream.once('error', reject)
    })
  } catch (err) {
    stream.destroy()
    throw Object.assign(new Error(`${path}: cannot read (${systemErrorText(err)})`), {exitCode: 2})
  }
  yield* lines(stream)
}
