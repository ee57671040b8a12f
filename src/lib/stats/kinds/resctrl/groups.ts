import {createHash} from 'node:crypto'
import {appendFileSync, mkdirSync, readdirSync, readFileSync, rmdirSync} from 'node:fs'

import {FileParseError} from '../../files.js'

/*
 * Monitoring groups of the resctrl filesystem, one per container, the way cAdvisor makes them:
 * the container's tasks are found in a control group (the root one or a directory beside
 * info/), and an existing monitoring group holding exactly those tasks is used; otherwise cadv
 * makes one under the control group's mon_groups/ and moves each task into it (one write of
 * one id to its `tasks` file). The kernel then counts the group's memory traffic and cache
 * occupancy in mon_data/<domain>/. Tasks forked later join their parent's group by themselves;
 * tasks that enter the cgroup from outside (an exec into the container) are added on the next
 * check. Groups cadv made are removed once no reading has asked for them for a while, so a
 * deleted container does not keep one of the few monitoring ids the hardware has.
 */

/** Names of the root's entries that are not control groups. */
const NOT_GROUPS = new Set(['info', 'mon_data', 'mon_groups'])
/** Prefix of the groups cadv makes (cAdvisor's are `cadvisor-…`): only those are ever removed. */
export const GROUP_PREFIX = 'cadv-'
/** A group no reading asked for during this long is removed (cAdvisor: three intervals). */
export const IDLE_REMOVE_MS = 3 * 60_000
const SWEEP_EVERY_MS = 60_000

function taskSet(dir: string): Set<number> {
  let text: string
  try {
    text = readFileSync(`${dir}/tasks`, 'utf8')
  } catch {
    return new Set()
  }
  const out = new Set<number>()
  for (const line of text.split('\n')) if (/^\d+$/.test(line)) out.add(Number(line))
  return out
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, {withFileTypes: true})
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
  } catch {
    return []
  }
}

/** The control group (root or a directory of the root) that holds every task, if one does. */
export function findControlGroup(root: string, tasks: readonly number[]): string | undefined {
  const candidates = [
    root,
    ...subdirs(root)
      .filter((n) => !NOT_GROUPS.has(n))
      .map((n) => `${root}/${n}`),
  ]
  for (const dir of candidates) {
    const set = taskSet(dir)
    if (tasks.every((t) => set.has(t))) return dir
  }
  return undefined
}

/** A monitoring group of `control` holding exactly these tasks (made by cadv, cAdvisor or anyone). */
function findMonitoringGroup(control: string, tasks: readonly number[]): string | undefined {
  const base = `${control}/mon_groups`
  for (const name of subdirs(base)) {
    const set = taskSet(`${base}/${name}`)
    if (set.size === tasks.length && tasks.every((t) => set.has(t))) return `${base}/${name}`
  }
  return undefined
}

/** `cadv-` and the container name with `/` as `-`; a name too long for a directory is shortened with a hash. */
export function groupName(container: string): string {
  const flat = container.replace(/^\//, '').replace(/\//g, '-')
  const name = `${GROUP_PREFIX}${flat}`
  if (name.length <= 200) return name
  return `${name.slice(0, 180)}-${createHash('sha256').update(container).digest('hex').slice(0, 16)}`
}

/** Moves the tasks not yet in the group into it; a task that has exited meanwhile is skipped. */
export function addTasks(group: string, tasks: readonly number[]): void {
  const present = taskSet(group)
  for (const t of tasks) {
    if (present.has(t)) continue
    try {
      // One id per write, as the kernel takes them; appended, so that a plain file (a fixture
      // tree) ends up listing them all as the kernel's file would.
      appendFileSync(`${group}/tasks`, `${t}\n`)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ESRCH' || code === 'ENOENT') continue
      throw new FileParseError(`${group}/tasks`, `task ${t} not moved (${code ?? String(err)})`)
    }
  }
}

/** Groups cadv made, with the last time a reading used each. */
const made = new Map<string, number>()
let lastSweepMs = 0

/** The container's monitoring group: found, or made and filled. Throws FileParseError when it cannot be. */
export function monitoringGroup(root: string, container: string, tasks: readonly number[], nowMs: number): string {
  const control = findControlGroup(root, tasks)
  if (control === undefined) throw new FileParseError(`${root}/tasks`, 'the tasks are in more than one control group')
  const found = findMonitoringGroup(control, tasks)
  if (found !== undefined) return found
  const group = `${control}/mon_groups/${groupName(container)}`
  try {
    mkdirSync(group)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    // EEXIST: a group of an earlier run (or reading) of this container; its tasks are set below.
    if (code !== 'EEXIST') {
      const why = code === 'ENOSPC' ? 'no monitoring id left (ENOSPC)' : (code ?? String(err))
      throw new FileParseError(group, `not made: ${why}`)
    }
  }
  made.set(group, nowMs)
  addTasks(group, tasks)
  return group
}

/** Marks a group used; at most once a minute, removes the groups cadv made that no reading used lately. */
export function touch(group: string, nowMs: number): void {
  if (made.has(group)) made.set(group, nowMs)
  if (nowMs - lastSweepMs < SWEEP_EVERY_MS) return
  lastSweepMs = nowMs
  for (const [path, usedMs] of made) {
    if (nowMs - usedMs < IDLE_REMOVE_MS) continue
    made.delete(path)
    try {
      // Its tasks go back to the control group; the monitoring id is freed.
      rmdirSync(path)
    } catch {
      // already gone (resctrl remounted, or removed by hand)
    }
  }
}
