import {parseSingle} from '../../parse.js'
import type {KindReader} from '../types.js'

/**
 * Kind `cpuset`: v1 cpuset.memory_migrate (1: a task's pages move with it to its new memory
 * nodes). cgroup v2's cpuset has no such switch (it always migrates): no series there.
 */
export const cpusetReader: KindReader = {
  kind: 'cpuset',
  files: {v1: ['cpuset.memory_migrate'], v2: ['(none: v2 cpusets have no memory_migrate)']},
  read(ctx, sample) {
    const dir = ctx.dir('cpuset')
    if (dir === undefined || dir.version !== 1) return
    const path = `${dir.path}/cpuset.memory_migrate`
    const text = ctx.read(path)
    if (text === undefined) return
    const v = ctx.attempt(() => parseSingle(text, path))
    if (v !== undefined) sample.memoryMigrate = v
  },
}
