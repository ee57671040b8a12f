/*
 * A background load the benchmark makes itself, so that "at load about 8" is a condition of the
 * run and not of the moment (the shared machine's own load swings from 1 to 25). It holds the
 * 1-minute load average near a target with spinning child processes (each is always runnable,
 * so each adds one to the load), as many as the load not its own leaves room for: none when the
 * machine is busier than the target already. The runs report the load they actually saw.
 *
 * The 1-minute figure lags (an exponential average with a 60 s time constant), so the holder
 * does not steer by it alone: it samples the number of runnable threads right now
 * (/proc/loadavg's fourth field) four times a second, takes off its own spinners, and sets the
 * count to target − what the rest of the machine runs (averaged over about 5 s), plus the
 * 1-minute figure's shortfall from the target (which brings it up quickly at the start and
 * corrects what the instant count misses, such as uninterruptible waits). So each timed run
 * competes with about `target` runnable threads, whatever ran before it.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'

const SAMPLE_MS = 250
/** Samples between two adjustments of the count. */
const ADJUST_EVERY = 10
/** Time constant of the average of what the rest of the machine runs, s. */
const AMBIENT_TAU_S = 5

/** A spinner: a shell loop (no memory to speak of) that ends by itself once the benchmark has gone. */
const SPIN = 'p=$PPID; while kill -0 $p 2>/dev/null; do i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; done'

export function loadAverage1(): number {
  return Number(readFileSync('/proc/loadavg', 'latin1').split(' ')[0])
}

/** Threads runnable right now, this one (reading) not counted. */
function runnableNow(): number {
  const field = readFileSync('/proc/loadavg', 'latin1').split(' ')[3] ?? '1/0'
  return Math.max(0, Number(field.split('/')[0]) - 1)
}

/** The load seen over a timed window: 1-minute load average sampled each second. */
export interface SeenLoad {
  min: number
  max: number
  mean: number
  /** Threads runnable at once, sampled four times a second: their mean. */
  runnable: number
  /** Spinners the holder ran meanwhile (highest count). */
  spinners: number
}

export function formatLoad(l: SeenLoad): string {
  return l.max - l.min < 0.05 ? l.mean.toFixed(1) : `${l.min.toFixed(1)}–${l.max.toFixed(1)}`
}

/** The load, the mean runnable threads and the spinners, for a table cell. */
export function describeLoad(l: SeenLoad): string {
  return `${formatLoad(l)} (${l.runnable.toFixed(1)} runnable${l.spinners > 0 ? `, ${l.spinners} spinning` : ''})`
}

export class LoadHolder {
  private readonly spinners: ChildProcess[] = []
  /** What the rest of the machine runs at once, averaged. */
  private ambient = 0
  private samples = 0
  private timer: NodeJS.Timeout | undefined
  /** Runnable counts sampled for watch(). */
  private readonly listeners = new Set<(runnable: number) => void>()
  /** A cgroup.procs file each spinner moves itself into before it spins (placeIn). */
  private procs: string | undefined
  /** Spinners kept whatever the rest of the machine runs (placeIn). */
  private least = 0

  constructor(
    /** The 1-minute load average to hold; 0 holds nothing (the load is measured all the same). */
    readonly target: number,
    private readonly maxSpinners = 16,
  ) {}

  get count(): number {
    return this.spinners.length
  }

  /**
   * Spinners started from now on run in the cgroup of `procs` (a cgroup.procs file;
   * lib/cpu-weight.ts), and at least `least` of them run even when the rest of the machine
   * holds the load at the target already: a busy sibling cgroup is then a condition of the run
   * (a group's weight counts only against its siblings), not of what others run meanwhile.
   */
  placeIn(procs: string, least = 0): void {
    this.procs = procs
    this.least = least
  }

  start(): void {
    if (this.timer) return
    this.ambient = runnableNow()
    this.timer = setInterval(() => this.sample(), SAMPLE_MS)
    this.adjust()
  }

  /**
   * Waits until the load is within `tolerance` of the target, or nothing more can be done
   * (no spinner left and the machine still busier; every spinner running), or `timeoutMs`.
   */
  async settle(tolerance = 1, timeoutMs = 120_000): Promise<void> {
    if (this.target <= 0) return
    const start = performance.now()
    for (;;) {
      const load = loadAverage1()
      if (Math.abs(load - this.target) <= tolerance) return
      if (load > this.target && this.spinners.length <= this.least) return
      if (load < this.target && this.spinners.length >= this.maxSpinners) return
      if (performance.now() - start > timeoutMs) return
      await new Promise((r) => setTimeout(r, 1000))
    }
  }

  /** Samples the load each second until the returned function is called; it returns what was seen. */
  watch(): () => SeenLoad {
    const seen: number[] = [loadAverage1()]
    let spinners = this.spinners.length
    let runnable = 0
    let n = 0
    const count = (r: number): void => {
      runnable += r
      n++
    }
    this.listeners.add(count)
    if (!this.timer) this.timer = setInterval(() => this.sample(), SAMPLE_MS)
    const timer = setInterval(() => {
      seen.push(loadAverage1())
      spinners = Math.max(spinners, this.spinners.length)
    }, 1000)
    return () => {
      clearInterval(timer)
      this.listeners.delete(count)
      seen.push(loadAverage1())
      const mean = seen.reduce((a, b) => a + b, 0) / seen.length
      return {min: Math.min(...seen), max: Math.max(...seen), mean, runnable: n > 0 ? runnable / n : Number.NaN, spinners}
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    while (this.spinners.length > 0) this.remove()
  }

  private sample(): void {
    const r = runnableNow()
    for (const l of this.listeners) l(r)
    // Spinners are always runnable: the rest is what the machine runs besides them.
    const rest = Math.max(0, r - this.spinners.length)
    this.ambient += (rest - this.ambient) * (1 - Math.exp(-SAMPLE_MS / 1000 / AMBIENT_TAU_S))
    if (++this.samples % ADJUST_EVERY === 0) this.adjust()
  }

  private adjust(): void {
    if (this.target <= 0) return
    const shortfall = this.target - loadAverage1()
    const want = Math.round(this.target - this.ambient + Math.max(0, shortfall))
    const n = Math.max(this.least, Math.min(this.maxSpinners, want))
    while (this.spinners.length < n) this.add()
    while (this.spinners.length > n) this.remove()
  }

  private add(): void {
    const script = this.procs ? `echo $$ > '${this.procs}' && ${SPIN}` : SPIN
    const child = spawn('/bin/sh', ['-c', script], {stdio: 'ignore'})
    child.on('error', () => {})
    this.spinners.push(child)
  }

  private remove(): void {
    const child = this.spinners.pop()
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

/** The target from CADV_BENCH_LOAD (default 8; 0 or "off": no background load). */
export function loadTargetFromEnv(fallback = 8): number {
  const v = process.env.CADV_BENCH_LOAD
  if (v === undefined || v === '') return fallback
  if (v === 'off') return 0
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new Error(`CADV_BENCH_LOAD="${v}": expected a load average (0 or off: none)`)
  return n
}
