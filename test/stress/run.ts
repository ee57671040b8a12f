// `npm run test:stress`: the integration suite on a busy shared host. While it runs, a second
// process creates and removes 1,000 cgroups a second (each in cpu and memory, under a parent of
// its own, elsewhere than any test's cgroups) and CPU hogs keep the load average near 8 on this
// 2-core machine, counting whatever else runs on it. The suite must pass as it does on a quiet
// machine: its tests are scoped to their own cgroups and processes, and wait on conditions.
// Prints the figures: load average (min / median / max of samples every 5 s), the churn rate
// reached, the suite's counts and its time. Exit status: the suite's.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {cpus} from 'node:os'
import {fileURLToPath} from 'node:url'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {Churn} from '../helpers/churn.js'
import {killGroup, spawnGroup} from '../helpers/processes.js'

const CHURN_PER_S = Number(process.env.CADV_STRESS_CHURN ?? 1000)
const TARGET_LOAD = Number(process.env.CADV_STRESS_LOAD ?? 8)
const root = fileURLToPath(new URL('../..', import.meta.url))

function load1(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0])
}

const HAS_STRESS_NG = spawnSync('stress-ng', ['--version'], {stdio: 'ignore'}).status === 0

/** A CPU hog at a low priority (nice 10): load for the scheduler, without starving the suite outright. */
function hog(): ChildProcess {
  return HAS_STRESS_NG
    ? spawnGroup('nice', ['-n', '10', 'stress-ng', '--cpu', '1', '--quiet'], {stdio: 'ignore'})
    : spawnGroup('nice', ['-n', '10', process.execPath, '-e', 'for(;;){}'], {stdio: 'ignore'})
}

/**
 * Keeps the load average near the target whatever else the shared machine runs: a hog more
 * when it is well below, one less when well above (checked every 10 s; the 1-minute average lags).
 */
class LoadKeeper {
  readonly hogs: ChildProcess[] = []
  most = 0
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly target: number) {}

  start(): void {
    // The suite and the churn are about two runnable tasks; hogs make up what else is missing.
    const n = Math.max(0, Math.round(this.target - load1() - 2))
    for (let i = 0; i < n; i++) this.hogs.push(hog())
    this.most = this.hogs.length
    this.timer = setInterval(() => {
      const l = load1()
      if (l < this.target - 1.5) this.hogs.push(hog())
      else if (l > this.target + 1.5 && this.hogs.length > 0) void killGroup(this.hogs.pop()!)
      this.most = Math.max(this.most, this.hogs.length)
    }, 10_000)
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    for (const h of this.hogs.splice(0)) await killGroup(h)
  }
}

async function main(): Promise<number> {
  const skip = realCgroupSkipReason()
  if (skip) {
    console.error(`test:stress: ${skip}`)
    return 2
  }
  // A cgroup in cpu and in memory, as a container has one in each of the hierarchies it uses.
  const tc = new TestCgroups()
  const hierarchies = [tc.hierarchy('cpu'), tc.hierarchy('memory')]
  const churn = new Churn({rate: CHURN_PER_S, hierarchies, label: 'cadvts'}).start()
  const keeper = new LoadKeeper(TARGET_LOAD)
  keeper.start()
  const loads: number[] = []
  const sampler = setInterval(() => loads.push(load1()), 5000)
  const stop = async (): Promise<void> => {
    clearInterval(sampler)
    await keeper.stop()
    await churn.stop()
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void stop().finally(() => process.exit(130)))
  const started = performance.now()
  let output = ''
  try {
    const code = await new Promise<number>((resolve) => {
      const suite = spawn(process.execPath, ['scripts/run-tests.mjs', '--suite=integration'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      suite.stdout.on('data', (d: Buffer) => {
        process.stdout.write(d)
        output += d.toString()
      })
      suite.on('close', (c) => resolve(c ?? 1))
    })
    const seconds = (performance.now() - started) / 1000
    const count = (what: string): string =>
      /^ℹ (\w+) (\d+)$/m.exec(
        output
          .split('\n')
          .filter((l) => l.startsWith(`ℹ ${what} `))
          .at(-1) ?? '',
      )?.[2] ?? '?'
    const sorted = [...loads].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN
    console.log(
      `\ntest:stress: integration suite ${code === 0 ? 'passed' : `FAILED (exit ${code})`}: ` +
        `${count('tests')} tests, ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped, ${seconds.toFixed(0)} s; ` +
        `churn ${(churn.created / seconds).toFixed(0)} cgroups/s created and removed (each in ${hierarchies.map((h) => h.id).join(' and ')}); ` +
        `load average ${sorted[0] ?? NaN} / ${median} / ${sorted.at(-1) ?? NaN} (min / median / max) on ${cpus().length} cores, up to ${keeper.most} CPU hogs`,
    )
    return code
  } finally {
    await stop()
  }
}

process.exitCode = await main()
