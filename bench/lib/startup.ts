/*
 * Whole-process start-up of short commands against `node -e 0`, in the same run and
 * interleaved with it (node, case 1, case 2, node, ...), so machine load hits all alike.
 * Wall time around each spawn; CPU time (user + system) as the kernel accounts the reaped
 * child. Medians of wall time; CPU is summed over the rounds (it comes in 10 ms ticks).
 */
import {spawnSync} from 'node:child_process'

import {reapedChildrenCpuNs} from './proc.js'

export interface StartupCase {
  label: string
  args: string[]
  env?: NodeJS.ProcessEnv
  /** Checks one run's result (exit status, output); throws to stop the benchmark. */
  check?: (r: {status: number | null; stdout: string; stderr: string}) => void
}

export interface StartupRow {
  label: string
  wallMs: number
  cpuMs: number
  /** Median wall time over `node -e 0`'s. */
  wallRatio: number
  /** Summed CPU time over `node -e 0`'s. */
  cpuRatio: number
  /** The last run's stdout, for the caller to describe. */
  stdout: string
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export function startupVsNode(cases: StartupCase[], rounds: number): {baseline: StartupRow; rows: StartupRow[]} {
  const all: StartupCase[] = [{label: 'node -e 0 (baseline)', args: ['-e', '0']}, ...cases]
  const wall = all.map(() => [] as number[])
  const cpu = all.map(() => 0)
  const last = all.map(() => '')
  for (let r = 0; r < rounds; r++) {
    all.forEach((c, i) => {
      const cpu0 = reapedChildrenCpuNs()
      const t0 = process.hrtime.bigint()
      const res = spawnSync(process.execPath, c.args, {encoding: 'utf8', maxBuffer: 256 << 20, env: c.env ?? process.env})
      wall[i]!.push(Number(process.hrtime.bigint() - t0) / 1e6)
      cpu[i]! += reapedChildrenCpuNs() - cpu0
      c.check?.({status: res.status, stdout: res.stdout, stderr: res.stderr})
      last[i] = res.stdout
    })
  }
  const rows = all.map((c, i) => ({
    label: c.label,
    wallMs: median(wall[i]!),
    cpuMs: cpu[i]! / rounds / 1e6,
    wallRatio: median(wall[i]!) / median(wall[0]!),
    cpuRatio: cpu[i]! / cpu[0]!,
    stdout: last[i]!,
  }))
  return {baseline: rows[0]!, rows: rows.slice(1)}
}
