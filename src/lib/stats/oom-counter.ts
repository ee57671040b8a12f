/*
 * The kernel's own count of OOM kills in one cgroup: `oom_kill` of v1 memory.oom_control
 * (Linux 4.13 and later) or of v2 memory.events.local (memory.events before 5.7; that one also
 * counts the cgroups below). The kernel log is the richer source (pid, process name); this
 * counter is how a kill is still seen when the log cannot be read.
 */
import {readFileSync} from 'node:fs'

import {cgroupDir, hierarchyForController, type CgroupLayout} from '../cgroups/index.js'
import type {ContainerName} from '../model/index.js'
import {pickKeyValues} from './parse.js'

const KEYS = ['oom_kill'] as const

export interface OomKillCount {
  kills: number
  /** The file it came from. */
  path: string
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1')
  } catch {
    return undefined
  }
}

/**
 * The counter of container `name`; undefined when the cgroup is gone, has no memory controller,
 * or the kernel keeps no such counter. A malformed file counts as no counter.
 */
export function readOomKillCount(layout: CgroupLayout, name: ContainerName): OomKillCount | undefined {
  const h = hierarchyForController(layout, 'memory')
  if (!h) return undefined
  const dir = cgroupDir(h, name)
  const files = h.version === 1 ? [`${dir}/memory.oom_control`] : [`${dir}/memory.events.local`, `${dir}/memory.events`]
  for (const path of files) {
    const text = readIfThere(path)
    if (text === undefined) continue
    try {
      const kills = pickKeyValues(text, path, KEYS)[0]
      return kills === undefined ? undefined : {kills, path}
    } catch {
      return undefined
    }
  }
  return undefined
}
