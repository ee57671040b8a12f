/*
 * One tracked container: its collector, its place in the store and its state. Housekeeping
 * ticks it directly (collector → store → changed?); what it learns goes out through the
 * callbacks it was built with, so nothing here reaches up to the manager.
 */
import type {ContainerState, Sample} from '../model/index.js'
import type {ContainerCollector, RuntimeHints} from './collector.js'
import {samplesEqual} from './equal.js'
import type {Tickable, TickOutcome} from './housekeeping.js'
import type {Store} from './store.js'

/** Errors about one container are repeated at most this often. */
const WARN_EVERY_MS = 60_000

export interface TrackerHooks {
  /** A new sample was stored. */
  onSample(state: ContainerState, sample: Sample): void
  /** Read errors (rate-limited per container) and failed ticks. */
  onWarning(message: string): void
}

export class ContainerTracker implements Tickable {
  private lastWarnMs = Number.NEGATIVE_INFINITY

  constructor(
    readonly state: ContainerState,
    private readonly collector: ContainerCollector,
    private readonly store: Store,
    private readonly hooks: TrackerHooks,
  ) {}

  setRuntime(hints: RuntimeHints): void {
    this.collector.setRuntime(hints)
  }

  tick(): TickOutcome {
    try {
      return this.collect()
    } catch (err) {
      // A bug or an odd kernel error must not take housekeeping of every other container down.
      this.hooks.onWarning(`${this.state.name}: housekeeping failed: ${(err as Error).message}`)
      return 'none'
    }
  }

  /** Closes the container's kept files and drops its samples (on delete). */
  close(): void {
    this.collector.close()
    this.store.remove(this.state.name)
  }

  private collect(): TickOutcome {
    const name = this.state.name
    const sample = this.collector.collect()
    if (!sample) return 'none'
    if (this.collector.spec) this.state.spec = this.collector.spec
    const prev = this.store.latest(name)
    this.store.add(sample)
    if (sample.errors && sample.timestampMs - this.lastWarnMs >= WARN_EVERY_MS) {
      this.lastWarnMs = sample.timestampMs
      this.hooks.onWarning(`${name}: ${sample.errors.join('; ')}`)
    }
    this.hooks.onSample(this.state, sample)
    return prev && samplesEqual(prev, sample) ? 'equal' : 'changed'
  }
}
