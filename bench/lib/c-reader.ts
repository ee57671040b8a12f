/*
 * The two sides of the collector benchmarks (stats, kinds): the C reader of the same files
 * (bench/baseline/read-files.c) and cadv's collectors over the same rounds, each as CPU
 * nanoseconds so the benchmark divides both by the same count.
 */
import {spawnSync} from 'node:child_process'

/** CPU time of this process so far, ns (every thread). */
export function ownCpuNs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) * 1000
}

/**
 * The C reader's CPU for `rounds` passes over the files listed in `list`, ns. With allOpened, a
 * file it could not open is an error: a baseline that read fewer files would flatter cadv.
 */
export function cReaderCpuNs(bin: string, list: string, rounds: number, allOpened: boolean): number {
  const r = spawnSync(bin, [list, String(rounds)], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr}`)
  const out = JSON.parse(r.stdout) as {cpuNs: number; failures: number}
  if (allOpened && out.failures > 0) throw new Error(`baseline could not open ${out.failures} files`)
  return out.cpuNs
}

/** CPU of `rounds` collections of every collector, a second apart after `fromMs`, ns. */
export function collectRoundsCpuNs(collectors: readonly {collect(now: number): void}[], rounds: number, fromMs: number): number {
  const start = ownCpuNs()
  let now = fromMs
  for (let r = 0; r < rounds; r++) {
    now += 1000
    for (const c of collectors) c.collect(now)
  }
  return ownCpuNs() - start
}
