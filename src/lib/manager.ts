/*
 * The manager owns watcher → factories → housekeeping → store; it is the one place they meet.
 * Commands read containers through ContainerView and never reach into cgroupfs themselves.
 */
import {EventEmitter} from 'node:events'

import {selectHierarchies, type CgroupLayout, type ContainerName, type Hierarchy} from './cgroups/index.js'
import type {ContainerInfo, ContainerResolver, FactoryDecision} from './factories/index.js'
import {resolveKinds, type MetricKind} from './kinds.js'
import {
  ContainerCollector,
  controllerHierarchies,
  defaultMaxOpenFiles,
  DEFAULT_HOUSEKEEPING,
  DEFAULT_STORE,
  Housekeeping,
  bootTimeMs,
  OpenFiles,
  samplesEqual,
  Store,
  type ContainerSpec,
  type FileStats,
  type HousekeepingOptions,
  type Sample,
  type StoreOptions,
  type TickOutcome,
} from './stats/index.js'
import {createWatcher, type ContainerEvent, type WatchBackendName, type Watcher, type WatcherOptions, type WatcherStats} from './watch/index.js'

/** Everything known about one live container. */
export interface ContainerState {
  name: ContainerName
  /** Runtime metadata, when a factory accepted the container (raw cgroups have factory 'raw'). */
  info?: ContainerInfo
  /** Limits and shares; re-read rarely. */
  spec?: ContainerSpec
  /** Retained samples, oldest first, bounded by --storage-duration and by count. */
  samples: readonly Sample[]
  /** When cadv first saw the container, ms since the epoch. */
  firstSeenMs: number
  /**
   * When the cgroup was created (oldest mtime of its directories, as cAdvisor), ms since the
   * epoch; read once when tracking starts. A runtime's `info.createdAt` takes precedence.
   */
  cgroupCreatedMs?: number
}

export interface ContainerViewEvents {
  add: [ContainerState]
  delete: [ContainerName]
  /** A new sample was stored for this container. */
  sample: [ContainerState, Sample]
}

/** Read side of the manager, for stats tables, metrics and the JSON API. */
export interface ContainerView extends EventEmitter<ContainerViewEvents> {
  containers(): Iterable<ContainerState>
  get(name: ContainerName): ContainerState | undefined
}

export interface ManagerWatchOptions {
  /** Hierarchies to watch; default: those the enabled kinds need (selectHierarchies). */
  hierarchies?: Hierarchy[]
  backend?: WatchBackendName
  prefixes?: ContainerName[]
  rescanIntervalMs?: number
  pollIntervalMs?: number
}

export interface ManagerOptions {
  layout: CgroupLayout
  /** Enabled metric kinds; default cAdvisor's default set. */
  kinds?: ReadonlySet<MetricKind>
  watch?: ManagerWatchOptions
  housekeeping?: Partial<HousekeepingOptions>
  /** `--storage-duration` and the per-container count bound. */
  store?: Partial<StoreOptions>
  /** Runtime metadata; without it every container is a raw cgroup. */
  resolver?: ContainerResolver
  /** Which discovered containers to track at all (e.g. `cadv stats --depth`); default all. */
  include?: (name: ContainerName) => boolean
  /** Budget of kept-open cgroup files (`--max-open-files`); default from RLIMIT_NOFILE. */
  maxOpenFiles?: number
  /** Human-readable notes (read errors, resolver failures); the command decides where they go. */
  onWarning?: (message: string) => void
  /**
   * The watcher's warnings (watch limit reached → polling, a directory it cannot read): rare,
   * said once each, and a fallback the user must see. Default: onWarning.
   */
  onWatcherWarning?: (message: string) => void
}

/** The read side plus the lifecycle; `cadv stats` and `cadv serve` hold one each. */
export interface Manager extends ContainerView {
  start(): Promise<void>
  stop(): Promise<void>
  /** Kept-open file counters (hits, opens, evictions) and how many are open now. */
  fileStats(): FileStats & {open: number; budget: number}
  /** Names the resolver ignored (no factory accepted them), with the reason. */
  ignored(): ReadonlyMap<ContainerName, string>
  /** The watcher's counters: directories tracked, how many are polled (watch limit), rescans. */
  watchStats(): WatcherStats
}

/** Errors about one container are repeated at most this often. */
const WARN_EVERY_MS = 60_000

interface Tracked {
  state: ContainerState
  collector: ContainerCollector
  lastWarnMs: number
}

class ContainerManager extends EventEmitter<ContainerViewEvents> implements Manager {
  private readonly kinds: ReadonlySet<MetricKind>
  private readonly files: OpenFiles
  private readonly store: Store
  private readonly housekeeping: Housekeeping
  private readonly watcher: Watcher
  private readonly hierarchies: ReturnType<typeof controllerHierarchies>
  private readonly tracked = new Map<ContainerName, Tracked>()
  /** Containers waiting for the resolver; a delete meanwhile cancels the wait. */
  private readonly pending = new Map<ContainerName, symbol>()
  private readonly ignoredNames = new Map<ContainerName, string>()
  /**
   * Names whose decision was provisional (a container not running yet, a runtime that did not
   * answer): asked again after each rescan, as cAdvisor re-checks them at global housekeeping.
   * Never per housekeeping tick: a rescan is minutes apart, a tick seconds.
   */
  private readonly unsure = new Set<ContainerName>()
  private readonly reasking = new Set<ContainerName>()
  private readonly warn: (message: string) => void
  /** Boot time, read once on first need: the floor for cgroup creation times. */
  private bootMs: number | undefined | null = null

  constructor(private readonly options: ManagerOptions) {
    super()
    this.kinds = options.kinds ?? resolveKinds()
    this.warn = options.onWarning ?? (() => undefined)
    this.files = new OpenFiles(options.maxOpenFiles ?? defaultMaxOpenFiles(options.layout.procRoot))
    const hk = {...DEFAULT_HOUSEKEEPING, ...options.housekeeping}
    const maxAgeMs = options.store?.maxAgeMs ?? DEFAULT_STORE.maxAgeMs
    // Enough room for the whole age window at the base interval, plus slack for jitter.
    const maxSamples = options.store?.maxSamples ?? Math.max(2, Math.ceil(maxAgeMs / Math.max(1, hk.intervalMs)) + 2)
    this.store = new Store({maxAgeMs, maxSamples})
    this.housekeeping = new Housekeeping(hk, (name) => this.tick(name))
    this.hierarchies = controllerHierarchies(options.layout)
    const w = options.watch ?? {}
    const watcherOptions: WatcherOptions = {
      hierarchies: w.hierarchies ?? selectHierarchies(options.layout, this.kinds),
      onWarning: options.onWatcherWarning ?? this.warn,
    }
    if (w.backend !== undefined) watcherOptions.backend = w.backend
    if (w.prefixes !== undefined) watcherOptions.prefixes = w.prefixes
    if (w.rescanIntervalMs !== undefined) watcherOptions.rescanIntervalMs = w.rescanIntervalMs
    if (w.pollIntervalMs !== undefined) watcherOptions.pollIntervalMs = w.pollIntervalMs
    this.watcher = createWatcher(watcherOptions)
    this.watcher.on('event', (e) => this.onEvent(e))
    this.watcher.on('rescan', () => this.reaskUnsure())
  }

  containers(): Iterable<ContainerState> {
    return [...this.tracked.values()].map((t) => t.state)
  }

  get(name: ContainerName): ContainerState | undefined {
    return this.tracked.get(name)?.state
  }

  ignored(): ReadonlyMap<ContainerName, string> {
    return this.ignoredNames
  }

  fileStats(): FileStats & {open: number; budget: number} {
    return {...this.files.stats, open: this.files.openCount, budget: this.files.maxOpen}
  }

  watchStats(): WatcherStats {
    return this.watcher.stats()
  }

  async start(): Promise<void> {
    await this.watcher.start()
  }

  async stop(): Promise<void> {
    await this.watcher.stop()
    this.housekeeping.stop()
    this.pending.clear()
    this.unsure.clear()
    this.files.closeAll()
  }

  private onEvent(e: ContainerEvent): void {
    if (e.type === 'ContainerDelete') {
      this.remove(e.name)
      return
    }
    if (this.tracked.has(e.name) || this.pending.has(e.name)) return
    if (this.options.include && !this.options.include(e.name)) return
    const resolver = this.options.resolver
    if (!resolver) {
      this.begin(e.name, undefined)
      return
    }
    // Each container resolves on its own: a slow runtime API delays only its own containers.
    const token = Symbol(e.name)
    this.pending.set(e.name, token)
    resolver.resolve(e.name).then(
      ({decision, info, provisional}) => {
        if (this.pending.get(e.name) !== token) return
        this.pending.delete(e.name)
        if (provisional) this.unsure.add(e.name)
        if (!decision.accepted) {
          this.ignoredNames.set(e.name, whyIgnored(decision))
          return
        }
        this.begin(e.name, info)
      },
      (err: unknown) => {
        if (this.pending.get(e.name) !== token) return
        this.pending.delete(e.name)
        this.warn(`${e.name}: resolving failed (${(err as Error).message}); tracking it as a raw cgroup`)
        this.begin(e.name, undefined)
      },
    )
  }

  /** Asks the resolver again about each unsure name; a name already being asked is skipped. */
  private reaskUnsure(): void {
    const resolver = this.options.resolver
    if (!resolver) return
    for (const name of this.unsure) {
      if (this.reasking.has(name)) continue
      this.reasking.add(name)
      resolver.resolve(name).then(
        (r) => {
          this.reasking.delete(name)
          // Deleted (or stopped) meanwhile: the answer is about a container that is gone.
          if (!this.unsure.has(name)) return
          if (!r.provisional) this.unsure.delete(name)
          this.settle(name, r.decision, r.info)
        },
        () => this.reasking.delete(name),
      )
    }
  }

  /** Applies a newer decision to a name that is tracked or ignored already. */
  private settle(name: ContainerName, decision: FactoryDecision, info: ContainerInfo | undefined): void {
    const t = this.tracked.get(name)
    if (!decision.accepted) {
      // Tracked as raw while the runtime was unsure, ignored now (--docker-only): stop tracking.
      if (t) this.untrack(name, t)
      this.ignoredNames.set(name, whyIgnored(decision))
      return
    }
    this.ignoredNames.delete(name)
    if (!t) {
      this.begin(name, info)
      return
    }
    if (info) {
      t.state.info = info
      t.collector.setRuntime(runtimeHints(info))
    }
  }

  private begin(name: ContainerName, info: ContainerInfo | undefined): void {
    const collector = new ContainerCollector(name, {
      layout: this.options.layout,
      kinds: this.kinds,
      files: this.files,
      hierarchies: this.hierarchies,
    })
    if (info) collector.setRuntime(runtimeHints(info))
    const state: ContainerState = {name, samples: this.store.open(name), firstSeenMs: Date.now()}
    if (info) state.info = info
    if (!info?.createdAt) {
      if (this.bootMs === null) this.bootMs = bootTimeMs(this.options.layout.procRoot)
      const created = collector.creationTimeMs(this.bootMs)
      if (created !== undefined) state.cgroupCreatedMs = created
    }
    this.tracked.set(name, {state, collector, lastWarnMs: Number.NEGATIVE_INFINITY})
    this.emit('add', state)
    this.housekeeping.add(name)
  }

  private remove(name: ContainerName): void {
    this.pending.delete(name)
    this.ignoredNames.delete(name)
    this.unsure.delete(name)
    this.options.resolver?.forget(name)
    const t = this.tracked.get(name)
    if (t) this.untrack(name, t)
  }

  private untrack(name: ContainerName, t: Tracked): void {
    this.housekeeping.remove(name)
    t.collector.close()
    this.store.remove(name)
    this.tracked.delete(name)
    this.emit('delete', name)
  }

  private tick(name: ContainerName): TickOutcome {
    const t = this.tracked.get(name)
    if (!t) return 'none'
    try {
      return this.collectInto(t)
    } catch (err) {
      // A bug or an odd kernel error must not take housekeeping of every other container down.
      this.warn(`${name}: housekeeping failed: ${(err as Error).message}`)
      return 'none'
    }
  }

  private collectInto(t: Tracked): TickOutcome {
    const name = t.state.name
    const sample = t.collector.collect()
    if (!sample) return 'none'
    if (t.collector.spec) t.state.spec = t.collector.spec
    const prev = this.store.latest(name)
    this.store.add(sample)
    if (sample.errors && sample.timestampMs - t.lastWarnMs >= WARN_EVERY_MS) {
      t.lastWarnMs = sample.timestampMs
      this.warn(`${name}: ${sample.errors.join('; ')}`)
    }
    this.emit('sample', t.state, sample)
    return prev && samplesEqual(prev, sample) ? 'equal' : 'changed'
  }
}

function whyIgnored(decision: FactoryDecision): string {
  const why = decision.checks.map((c) => `${c.factory}: ${c.reason}`).join('; ')
  return why || 'no factory accepted it'
}

function runtimeHints(info: ContainerInfo): {pid: number; hasNetwork: boolean} {
  // A raw cgroup has no runtime pid; its network reader then looks for a process in the
  // cgroup and counts its interfaces only when that process has a namespace of its own
  // (never the host's), which is more than cAdvisor's "no network for raw cgroups".
  const unknownPid = info.factory === 'raw' && info.pid === 0
  return unknownPid ? {pid: 0, hasNetwork: true} : {pid: info.pid, hasNetwork: info.hasNetwork}
}

/** Builds the manager: watcher → resolver → housekeeping → store, started by start(). */
export function createManager(options: ManagerOptions): Manager {
  return new ContainerManager(options)
}
