/*
 * Whole-process start-up of short commands against `node -e 0`, in the same run and
 * interleaved with it (node, case 1, case 2, node, ...), so machine load hits all alike.
 * Wall time from spawn to exit; for a case with `answered`, also from spawn to the moment its
 * stdout first holds the answer (what a user waits for: the table, before the process has
 * closed its files and exited). CPU time (user + system) as the kernel accounts the reaped
 * child. Medians of wall time; CPU is summed over the rounds (it comes in 10 ms ticks).
 */
import {spawn} from 'node:child_process'

import {reapedChildrenCpuNs} from './proc.js'

export interface StartupCase {
  label: string
  args: string[]
  env?: NodeJS.ProcessEnv
  /** Checks one run's result (exit status, output); throws to stop the benchmark. */
  check?: (r: {status: number | null; stdout: string; stderr: string}) => void
  /** Whether the stdout read so far holds the whole answer (timed as `answerMs`). */
  answered?: (stdoutSoFar: string) => boolean
}

export interface StartupRow {
  label: string
  wallMs: number
  cpuMs: number
  /** Median wall time over `node -e 0`'s. */
  wallRatio: number
  /** Summed CPU time over `node -e 0`'s. */
  cpuRatio: number
  /** Median time from spawn to the answer on stdout (cases with `answered`). */
  answerMs?: number
  /** The last run's stdout, for the caller to describe. */
  stdout: string
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Run {
  status: number | null
  stdout: string
  stderr: string
  wallMs: number
  answerMs: number | undefined
}

function runOnce(c: StartupCase): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const ms = (): number => Number(process.hrtime.bigint() - t0) / 1e6
    const child = spawn(process.execPath, c.args, {env: c.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    let answerMs: number | undefined
    child.stdout.on('data', (d: Buffer) => {
      out.push(d)
      if (answerMs === undefined && c.answered?.(Buffer.concat(out).toString('utf8'))) answerMs = ms()
    })
    child.stderr.on('data', (d: Buffer) => err.push(d))
    child.on('error', reject)
    child.on('close', (status) => {
      resolve({status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), wallMs: ms(), answerMs})
    })
  })
}

export async function startupVsNode(cases: StartupCase[], rounds: number): Promise<{baseline: StartupRow; rows: StartupRow[]}> {
  const all: StartupCase[] = [{label: 'node -e 0 (baseline)', args: ['-e', '0']}, ...cases]
  const wall = all.map(() => [] as number[])
  const answer = all.map(() => [] as number[])
  const cpu = all.map(() => 0)
  const last = all.map(() => '')
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of all.entries()) {
      const cpu0 = reapedChildrenCpuNs()
      const res = await runOnce(c)
      wall[i]!.push(res.wallMs)
      if (res.answerMs !== undefined) answer[i]!.push(res.answerMs)
      cpu[i]! += reapedChildrenCpuNs() - cpu0
      c.check?.({status: res.status, stdout: res.stdout, stderr: res.stderr})
      last[i] = res.stdout
    }
  }
  const rows = all.map((c, i) => ({
    label: c.label,
    wallMs: median(wall[i]!),
    cpuMs: cpu[i]! / rounds / 1e6,
    wallRatio: median(wall[i]!) / median(wall[0]!),
    cpuRatio: cpu[i]! / cpu[0]!,
    ...(answer[i]!.length > 0 ? {answerMs: median(answer[i]!)} : {}),
    stdout: last[i]!,
  }))
  return {baseline: rows[0]!, rows: rows.slice(1)}
}
