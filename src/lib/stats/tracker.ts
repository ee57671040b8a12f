/*
 * One tracked container: its collector, its place in the store and its state. Housekeeping
 * ticks it directly (collector → store → changed?); what it learns goes out through the
 * callbacks it was built with, so nothing here reaches up to the manager.
 */
import type {ContainerState, Sample} from '../model/index.js'
import type {ContainerCollector, RuntimeHints} from './collector.js'
import {samplesEqual} from './equal.js'
import type {ReadPart, Tickable, TickOutcome} from './housekeeping.js'
import type {Store} from './store.js'

/**
 * A container read less often than this opens its files for each read instead of keeping them
 * open (ContainerCollector.keepFilesOpen): 10,000 idle containers backed off to a minute would
 * otherwise keep 140,000 descriptors wanted, far past the budget, each read opening its files
 * and closing another container's, for a read a minute later. Busy ones keep theirs.
 */
export const KEEP_FILES_UNDER_MS = 10_000

/** Files of one container whose errors were reported; past it, new files are not remembered. */
const MAX_REPORTED_FILES = 64

export interface TrackerHooks {
  /** A new sample was stored. */
  onSample(state: ContainerState, sample: Sample): void
  /** Failed ticks. */
  onWarning(message: string): void
  /**
   * A read error of this container, the first time its file fails (once per container and
   * file; every sample still carries all of its errors). Default: onWarning.
   */
  onReadError?(name: string, error: string): void
}

/** The file an error line is about: `<path>: …` (collector errors start with the path). */
function fileOf(error: string): string {
  const colon = error.indexOf(': ')
  return colon < 0 ? error : error.slice(0, colon)
}

export class ContainerTracker implements Tickable {
  /** Files whose errors were reported (made at the first: most containers have none). */
  private reported: Set<string> | undefined
  /** The newest sample while only its counters are read (ReadPart 'counters'; 'rest' completes it). */
  private partial: Sample | undefined

  constructor(
    readonly state: ContainerState,
    private readonly collector: ContainerCollector,
    private readonly store: Store,
    private readonly hooks: TrackerHooks,
  ) {}

  setRuntime(hints: RuntimeHints): void {
    this.collector.setRuntime(hints)
  }

  /** The watcher saw a spec file written in the container's directory of that hierarchy (ContainerCollector.specWritten). */
  specWritten(hierarchyId: string): void {
    this.collector.specWritten(hierarchyId)
  }

  tick(intervalMs?: number, part: ReadPart = 'whole'): TickOutcome {
    if (intervalMs !== undefined) this.collector.keepFilesOpen(intervalMs < KEEP_FILES_UNDER_MS)
    try {
      if (part !== 'rest') return this.collect(part)
      this.completePartial()
      return 'none'
    } catch (err) {
      // A bug or an odd kernel error must not take housekeeping of every other container down.
      this.hooks.onWarning(`${this.state.name}: housekeeping failed: ${(err as Error).message}`)
      return 'none'
    }
  }

  private report(errors: readonly string[]): void {
    for (const error of errors) {
      const file = fileOf(error)
      const reported = (this.reported ??= new Set())
      if (reported.has(file) || reported.size >= MAX_REPORTED_FILES) continue
      reported.add(file)
      if (this.hooks.onReadError) this.hooks.onReadError(this.state.name, error)
      else this.hooks.onWarning(`${this.state.name}: ${error}`)
    }
  }

  /** Closes the container's kept files and drops its samples (on delete). */
  close(): void {
    this.collector.close()
    this.store.remove(this.state.name)
  }

  /** Reads the rest of the sample whose counters were read, if it is still the newest. */
  private completePartial(): void {
    const sample = this.partial
    this.partial = undefined
    if (sample === undefined || this.store.latest(this.state.name) !== sample) return
    if (!this.collector.completeReading(sample)) return
    if (this.collector.spec) this.state.spec = this.collector.spec
    if (sample.errors) this.report(sample.errors)
  }

  private collect(part: Exclude<ReadPart, 'rest'>): TickOutcome {
    const name = this.state.name
    // A read that comes before the rest of the reading before (a first window shorter than the
    // queue of rests) completes that reading first: it is what a reading for rates keeps.
    if (this.partial !== undefined) this.completePartial()
    const prev = this.store.latest(name)
    // Without a reading before (the first found nothing), a reading for rates reads everything.
    const sample =
      part === 'counters' ? this.collector.collectCounters() : this.collector.collect(Date.now(), part === 'rates' ? prev : undefined)
    if (!sample) return 'none'
    if (part === 'counters') this.partial = sample
    if (this.collector.spec) this.state.spec = this.collector.spec
    this.store.add(sample)
    if (sample.errors) this.report(sample.errors)
    this.hooks.onSample(this.state, sample)
    // The store compared the two while sharing their equal parts (unless it went in out of order).
    const equal = this.store.addedEqual(name) ?? (prev !== undefined && samplesEqual(prev, sample))
    return prev && equal ? 'equal' : 'changed'
  }
}
