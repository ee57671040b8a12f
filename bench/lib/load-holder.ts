/*
 * A background load the benchmark makes itself, so that "at load about 8" is a condition of the
 * run and not of the moment (the shared machine's own load swings from 1 to 25). It holds the
 * 1-minute load average near a target with spinning child processes (each is always runnable,
 * so each adds one to the load), as many as the load not its own leaves room for: none when the
 * machine is busier than the target already. The runs report the load they actually saw.
 *
 * The kernel's 1-minute figure is an exponential average (a 60 s time constant, a sample every
 * 5 s). The spinners' share of it is known (the same average of their count), so what the rest
 * of the machine adds is the figure minus that share; the count is set so that the spinners'
 * share would reach target − the rest within about 30 s.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'

const TICK_MS = 2500
const TAU_S = 60
const HORIZON_S = 30

/** A spinner: a shell loop (no memory to speak of) that ends by itself once the benchmark has gone. */
const SPIN = 'p=$PPID; while kill -0 $p 2>/dev/null; do i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; done'

export function loadAverage1(): number {
  return Number(readFileSync('/proc/loadavg', 'latin1').split(' ')[0])
}

/** The load seen over a timed window: 1-minute load average sampled each second. */
export interface SeenLoad {
  min: number
  max: number
  mean: number
  /** Spinners the holder ran meanwhile (highest count). */
  spinners: number
}

export function formatLoad(l: SeenLoad): string {
  return l.max - l.min < 0.05 ? l.mean.toFixed(1) : `${l.min.toFixed(1)}–${l.max.toFixed(1)}`
}

export class LoadHolder {
  private readonly spinners: ChildProcess[] = []
  /** The spinners' share of the 1-minute load average, as the kernel would have it. */
  private share = 0
  private lastMs = performance.now()
  private timer: NodeJS.Timeout | undefined

  constructor(
    /** The 1-minute load average to hold; 0 holds nothing (the load is measured all the same). */
    readonly target: number,
    private readonly maxSpinners = 16,
  ) {}

  get count(): number {
    return this.spinners.length
  }

  start(): void {
    if (this.target <= 0 || this.timer) return
    this.lastMs = performance.now()
    this.adjust()
    this.timer = setInterval(() => this.adjust(), TICK_MS)
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
      if (load > this.target && this.spinners.length === 0 && this.share < 0.5) return
      if (load < this.target && this.spinners.length >= this.maxSpinners) return
      if (performance.now() - start > timeoutMs) return
      await new Promise((r) => setTimeout(r, 1000))
    }
  }

  /** Samples the load each second until the returned function is called; it returns what was seen. */
  watch(): () => SeenLoad {
    const seen: number[] = [loadAverage1()]
    let spinners = this.spinners.length
    const timer = setInterval(() => {
      seen.push(loadAverage1())
      spinners = Math.max(spinners, this.spinners.length)
    }, 1000)
    return () => {
      clearInterval(timer)
      seen.push(loadAverage1())
      return {min: Math.min(...seen), max: Math.max(...seen), mean: seen.reduce((a, b) => a + b, 0) / seen.length, spinners}
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    while (this.spinners.length > 0) this.remove()
  }

  private adjust(): void {
    const now = performance.now()
    const decay = Math.exp(-(now - this.lastMs) / 1000 / TAU_S)
    this.lastMs = now
    this.share = this.share * decay + this.spinners.length * (1 - decay)
    const rest = Math.max(0, loadAverage1() - this.share)
    // The count that brings the spinners' share to target − rest within HORIZON_S.
    const h = Math.exp(-HORIZON_S / TAU_S)
    const want = Math.round((this.target - rest - this.share * h) / (1 - h))
    const n = Math.max(0, Math.min(this.maxSpinners, want))
    while (this.spinners.length < n) this.add()
    while (this.spinners.length > n) this.remove()
  }

  private add(): void {
    const child = spawn('/bin/sh', ['-c', SPIN], {stdio: 'ignore'})
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
