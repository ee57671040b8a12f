/*
 * CPU weight for a benchmark's processes, as the kubelet sets it for a pod: each served process
 * in a cgroup of its own with a given cpu.shares (v1; on a v2-only host the cpu.weight the
 * kubelet derives from the same shares), beside a cgroup of weight 1024 that holds the load
 * holder's spinners (another pod keeping the node busy), both under one parent of 2048 (the
 * kubelet's kubepods on a 2-core node: its allocatable CPU × 1024).
 *
 * Why: under contention the scheduler shares CPU between groups by weight first, and only then
 * between the threads inside a group (serve's metrics thread's nice -10 ranks it only against
 * serve's other threads). A DaemonSet requesting `cpu: 50m` gets cpu.shares 51: a twentieth of
 * the weight of a pod requesting one CPU. Without this, the benchmark's serves run in their
 * own sessions (the kernel's autogroups, each as heavy as one nice-0 process) and the spinners
 * in the benchmark's.
 *
 * Everything lives under one parent named for this process (`cadvb-sched-<pid>-<random>`, only
 * in the cpu hierarchy); cleanup() kills what is left in it and removes it, deepest first.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {TestCgroups} from '../../test/helpers/cgroups.js'
import type {Hierarchy} from '../../src/lib/cgroups/index.js'

/** The parent's cpu.shares: kubepods' on a 2-core node. */
const PARENT_SHARES = 2048
/** The load's: a pod requesting one CPU. */
export const LOAD_SHARES = 1024

/** cgroup v2's cpu.weight for v1 cpu.shares, as the kubelet converts a request (1..10000). */
export function sharesToWeight(shares: number): number {
  return 1 + Math.floor(((shares - 2) * 9999) / 262142)
}

/** CADV_BENCH_CPU_SHARES="51" or "51,1024": cpu.shares for cadv's serve and for `before`'s; undefined when unset. */
export function sharesFromEnv(v = process.env.CADV_BENCH_CPU_SHARES): number[] | undefined {
  if (v === undefined || v === '') return undefined
  const list = v.split(',').map(Number)
  if (list.some((n) => !Number.isInteger(n) || n < 2 || n > 262144))
    throw new Error(`CADV_BENCH_CPU_SHARES="${v}": expected cpu.shares (2..262144), one or two, comma-separated`)
  return list
}

export class CpuGroups {
  private readonly tc = new TestCgroups('cadvb-sched')
  private readonly h: Hierarchy

  constructor() {
    this.h = this.tc.hierarchy('cpu')
    this.tc.mkdir('', [this.h])
    this.weigh('', PARENT_SHARES)
  }

  /** Creates cgroup `name` with `shares`; its cgroup.procs file. */
  add(name: string, shares: number): string {
    this.tc.mkdir(name, [this.h])
    this.weigh(name, shares)
    return join(this.tc.dir(this.h, name), 'cgroup.procs')
  }

  /** The weight a cgroup has, as the kernel reads it back (cpu.shares, or cpu.weight on v2). */
  weightOf(name: string): string {
    return this.tc.read(this.h, name, this.h.version === 1 ? 'cpu.shares' : 'cpu.weight').trim()
  }

  /** A launcher prefix (startCli's) that moves itself into cgroup `name` and execs the rest: nothing runs outside it. */
  launcher(name: string): string[] {
    const procs = join(this.tc.dir(this.h, name), 'cgroup.procs')
    return ['sh', '-c', `echo $$ > '${procs}' && exec "$@"`, 'sh']
  }

  async cleanup(): Promise<void> {
    await this.tc.cleanup()
  }

  private weigh(name: string, shares: number): void {
    if (this.h.version === 1) {
      this.tc.write(this.h, name, 'cpu.shares', String(shares))
      return
    }
    // v2: the cpu controller must reach our parent already (we never enable it above our own tree).
    const dir = this.tc.dir(this.h, name)
    if (!existsSync(join(dir, 'cpu.weight'))) throw new Error(`${dir}: no cpu.weight (the cpu controller is not enabled above it)`)
    this.tc.write(this.h, name, 'cpu.weight', String(sharesToWeight(shares)))
    if (name === '' && !readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8').includes('cpu'))
      this.tc.write(this.h, '', 'cgroup.subtree_control', '+cpu')
  }
}
