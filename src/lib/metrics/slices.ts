/*
 * Long work of a scrape's body (rendering containers, collecting the self-metrics, writing a
 * large response) done in slices of the event loop: between two slices the loop looks at its
 * sockets and timers, so a scrape served from the current body, /healthz and housekeeping wait
 * for one slice at most, never for a whole render. The budget is wall-clock time, as a waiting
 * scrape sees it; the work checks `due` often and calls `pause()` there.
 */
import {performance} from 'node:perf_hooks'

/** The longest stretch of body work between two looks at the sockets, ms. */
export const BODY_SLICE_MS = 8

export class LoopSlices {
  private startedAt = performance.now()

  constructor(private readonly budgetMs = BODY_SLICE_MS) {}

  /** Whether the current slice has used its budget. */
  get due(): boolean {
    return performance.now() - this.startedAt >= this.budgetMs
  }

  /** Gives the event loop a turn (after its sockets and timers) and starts a new slice. */
  async yield(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve))
    this.startedAt = performance.now()
  }

  /** Yields when the slice's budget is spent; otherwise returns at once. */
  async pause(): Promise<void> {
    if (this.due) await this.yield()
  }
}
