/*
 * Real OOM kills for tests: a memory cgroup under the test's own parent, limited to 16 MiB,
 * and `tail /dev/zero` in it (it keeps every "line" of /dev/zero, which has no newline, so it
 * allocates until the kernel kills it).
 */
import {constants, accessSync, existsSync} from 'node:fs'
import type {ChildProcess} from 'node:child_process'

import type {Hierarchy} from '../../src/lib/cgroups/index.js'
import {hierarchyForController} from '../../src/lib/cgroups/index.js'
import {realCgroupSkipReason, type TestCgroups} from './cgroups.js'

export const OOM_LIMIT = 16 * 1024 * 1024

/** Why a real OOM kill cannot be provoked here, or undefined. */
export function oomSkipReason(): string | undefined {
  const why = realCgroupSkipReason()
  if (why) return why
  try {
    accessSync('/dev/kmsg', constants.R_OK)
  } catch {
    return 'needs a readable /dev/kmsg'
  }
  return undefined
}

/** The hierarchy that holds the memory controller (v1 memory, or v2 with memory enabled). */
export function memoryHierarchy(t: TestCgroups): Hierarchy {
  const h = hierarchyForController(t.layout, 'memory')
  if (!h) throw new Error('no memory controller')
  return h
}

/**
 * Limits cgroup `rel` (made already) to 16 MiB without swap, starts the allocating process in
 * it and resolves when the kernel has killed it, with its pid.
 */
export async function provokeOom(t: TestCgroups, rel: string): Promise<{pid: number; child: ChildProcess}> {
  const h = memoryHierarchy(t)
  if (h.version === 1) {
    t.write(h, rel, 'memory.limit_in_bytes', String(OOM_LIMIT))
    if (existsSync(`${t.dir(h, rel)}/memory.memsw.limit_in_bytes`)) t.write(h, rel, 'memory.memsw.limit_in_bytes', String(OOM_LIMIT))
  } else {
    t.write(h, rel, 'memory.max', String(OOM_LIMIT))
    if (existsSync(`${t.dir(h, rel)}/memory.swap.max`)) t.write(h, rel, 'memory.swap.max', '0')
  }
  const child = t.spawnIn(rel, 'tail', ['/dev/zero'])
  const pid = child.pid!
  await new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  )
  if (child.signalCode !== 'SIGKILL')
    throw new Error(`the allocating process ended with ${child.signalCode ?? child.exitCode}, not an OOM kill`)
  return {pid, child}
}
