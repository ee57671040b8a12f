import {readdirSync} from 'node:fs'

import {CgroupVanished} from './files.js'
import type {ControllerDir, ReadContext} from './kinds/types.js'

/*
 * The processes and threads of a container, for the kinds that look at them one by one in
 * /proc (process, sched, cpuLoad, referenced_memory). Each list is read at most once a tick
 * whatever the number of kinds asking (ReadContext.memo).
 */

/** cgroup.procs or tasks text → pids (one decimal a line; anything else is skipped). */
export function parsePidList(text: string): number[] {
  const out: number[] = []
  let n = 0
  let digits = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48)
      digits++
    } else {
      if (c === 10 && digits > 0) out.push(n)
      n = 0
      digits = 0
    }
  }
  if (digits > 0) out.push(n)
  return out
}

/** The directory whose cgroup.procs lists the container's processes: pids, else cpu, else memory. */
export function tasksDir(ctx: ReadContext): ControllerDir | undefined {
  return ctx.dir('pids') ?? ctx.dir('cpu') ?? ctx.dir('memory')
}

function listFile(dir: ControllerDir, which: 'procs' | 'threads'): string {
  if (which === 'procs') return `${dir.path}/cgroup.procs`
  return `${dir.path}/${dir.version === 2 ? 'cgroup.threads' : 'tasks'}`
}

function readList(ctx: ReadContext, dir: ControllerDir, which: 'procs' | 'threads'): number[] | undefined {
  const path = which === 'procs' ? fileIn(ctx, 'tasks.procs.path', dir, 'cgroup.procs') : listFile(dir, which)
  // v1 builds the list once per open file and serves re-reads of a kept descriptor from it, so
  // a kept v1 list never changes; v2 re-walks the tasks on a read at offset 0.
  const text = dir.version === 2 ? ctx.read(path) : ctx.readOnce(path)
  return text === undefined ? undefined : parsePidList(text)
}

/**
 * What the shortcuts resting on pids.current (the collector's quiet parts, a raw cgroup's network
 * decision) are trusted for between two looks at the files they leave unread: the spec refresh
 * (30 s), but at least this many readings. A container read less often than the refresh (backed
 * off: every 60 to 120 s) refreshes its spec at every reading; looking at those files there too
 * would read them at every reading, which is all the shortcuts save. A change no task explains
 * (v1: a task in one hierarchy's cgroup and not in the pids one) is then seen within this many
 * readings of such a container instead of one.
 */
export const QUIET_CHECK_READINGS = 4

/**
 * True when the pids controller says the cgroup and everything below it hold no task: then
 * no list needs reading. pids.current is one read of a kept descriptor, where a v1 task list
 * must be opened afresh every time; most cgroups on a host are empty.
 */
export function knownEmpty(ctx: ReadContext): boolean {
  if (ctx.name === '/') return false
  return noTasksIn(pidsCurrent(ctx)?.text)
}

/** Whether pids.current's text says no task (undefined: not known). */
export function noTasksIn(text: string | undefined): boolean {
  return text !== undefined && (text === '0\n' || text.trim() === '0')
}

/** The memo holding this reading's pids.current (ReadContext.memo), read or not yet. */
export const PIDS_CURRENT_MEMO = 'tasks.pids.current'

/** The path of a file in a controller directory, made once per directory (not per tick). */
function fileIn(ctx: ReadContext, key: string, dir: ControllerDir, name: string): string {
  const made = ctx.state<{dir?: string; path: string}>(key, () => ({path: ''}))
  if (made.dir !== dir.path) {
    made.dir = dir.path
    made.path = `${dir.path}/${name}`
  }
  return made.path
}

/** A reading's pids.current: its path and text (undefined: absent). */
interface PidsCurrent {
  path: string
  text: string | undefined
}

/**
 * The text in a value of the PIDS_CURRENT_MEMO memo (as pidsCurrent() made it), for the
 * collector, which holds the memos but not their shapes: undefined when none was read.
 */
export function pidsTextOf(memo: unknown): string | undefined {
  return (memo as PidsCurrent | undefined)?.text
}

/** pids.current's text and path, read once a tick for every kind (process, the task lists). */
export function pidsCurrent(ctx: ReadContext): PidsCurrent | undefined {
  return ctx.memo(PIDS_CURRENT_MEMO, () => {
    const pids = ctx.dir('pids')
    if (pids === undefined) return undefined
    const path = fileIn(ctx, 'tasks.pids.current.path', pids, 'pids.current')
    return {path, text: ctx.read(path)}
  })
}

/** The processes (`procs`) or threads directly in the container's cgroup; undefined without one. */
export function ownTasks(ctx: ReadContext, which: 'procs' | 'threads'): number[] | undefined {
  // Constant keys: a key made with a template would be a new string a call.
  return ctx.memo(which === 'procs' ? 'tasks.own.procs' : 'tasks.own.threads', () => {
    const dir = tasksDir(ctx)
    if (dir === undefined) return undefined
    return knownEmpty(ctx) ? [] : readList(ctx, dir, which)
  })
}

/**
 * The processes or threads of the cgroup and of every cgroup below it (cAdvisor's schedstat and
 * referenced memory take the whole subtree). Sub-cgroups are found with one readdir per
 * directory; one that vanishes while it is walked is skipped.
 */
export function subtreeTasks(ctx: ReadContext, which: 'procs' | 'threads'): number[] | undefined {
  return ctx.memo(which === 'procs' ? 'tasks.subtree.procs' : 'tasks.subtree.threads', () => {
    const dir = tasksDir(ctx)
    if (dir === undefined) return undefined
    const own = ownTasks(ctx, which)
    if (own === undefined) return undefined
    const out = [...own]
    const walk = (path: string): void => {
      let entries
      try {
        entries = readdirSync(path, {withFileTypes: true})
      } catch {
        return
      }
      for (const e of entries) {
        if (!e.isDirectory()) continue
        const sub = `${path}/${e.name}`
        try {
          const text = ctx.readOnce(listFile({path: sub, version: dir.version}, which))
          if (text !== undefined) out.push(...parsePidList(text))
        } catch (err) {
          if (!(err instanceof CgroupVanished)) throw err
        }
        walk(sub)
      }
    }
    walk(dir.path)
    return out
  })
}

/**
 * Reads a /proc file of one task: undefined when the task has exited (a kept descriptor of a
 * dead task answers ESRCH, which the file layer reports as CgroupVanished: here it is the task,
 * not the cgroup, that is gone). Descriptors of exited tasks are released.
 */
export function readTaskFile(ctx: ReadContext, path: string, keep = true): string | undefined {
  try {
    const text = keep ? ctx.read(path) : ctx.readOnce(path)
    if (text === undefined && keep) ctx.release(path)
    return text
  } catch (err) {
    if (!(err instanceof CgroupVanished)) throw err
    ctx.release(path)
    return undefined
  }
}
