/*
 * The manager owns watcher → resolution → trackers → housekeeping → store: the one place they
 * meet (docs/ARCHITECTURE.md). Outputs read containers through the ContainerView it is, and
 * never reach into cgroupfs themselves.
 */
import {EventEmitter} from 'node:events'

import {selectHierarchies, type CgroupLayout, type Hierarchy} from '../cgroups/index.js'
import type {
  ContainerEvent,
  ContainerInfo,
  Resolution,
  ContainerName,
  ContainerResolver,
  ContainerState,
  ContainerView,
  ContainerViewEvents,
} from '../model/index.js'
import {
  bootTimeMs,
  cgroupfsRoots,
  ContainerCollector,
  DEFAULT_DISK_USAGE,
  DiskUsage,
  ContainerTracker,
  type TrackerHooks,
  controllerHierarchies,
  controllersForKinds,
  defaultMaxOpenFiles,
  DEFAULT_HOUSEKEEPING,
  DEFAULT_STORE,
  Housekeeping,
  hostNetnsFor,
  type HostNetns,
  OpenFiles,
  selectKinds,
  Store,
  type FileStats,
  type DiskUsageOptions,
  type HousekeepingOptions,
  type Controller,
  type KindOptions,
  type MetricKind,
  type RuntimeHints,
  type StoreOptions,
  type TickQueueStats,
} from '../stats/index.js'
import {createWatcher, type WatchBackendName, type Watcher, type WatcherOptions, type WatcherStats} from '../watch/index.js'
import {HealthPoller} from './health.js'
import {SPEC_WRITES, specWrittenTo, writesSeenBy} from './spec-writes.js'
import {Resolutions, type PendingContainer, type Publication, type ResolutionStats} from './resolution.js'

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
  /** The host's network namespace (`--host-netns`); default found by the rules of stats/netns.ts. */
  hostNetns?: HostNetns
  /**
   * `--runtime-wait`: how long a container whose runtime has not answered stays unpublished
   * before it is published from its name alone (resolution.ts); default 30 s.
   */
  runtimeWaitMs?: number
  /** `-v` lines: each container that waits for its runtime, and when it gets its answer. */
  onNote?: (message: string) => void
  /** Budget of kept-open cgroup files (`--max-open-files`); default from RLIMIT_NOFILE. */
  maxOpenFiles?: number
  /** How the disk kind walks writable layers (`--disk-usage-interval`, `--disk-usage-concurrency`). */
  diskUsage?: Partial<DiskUsageOptions>
  /** Settings of particular kinds (`--referenced-reset-interval`). */
  kindOptions?: KindOptions
  /**
   * The controllers whose directories a container's readers and spec look in; default every
   * one they know. A command that reads only some kinds names theirs, so no container is
   * looked for in the other hierarchies.
   */
  controllers?: readonly Controller[]
  /** How often containers with a health check have it asked of their runtime (default 10 s). */
  healthIntervalMs?: number
  /** Human-readable notes (resolver failures, failed ticks); the app decides where they go. */
  onWarning?: (message: string) => void
  /**
   * A container's file could not be read or parsed: said once per container and file (every
   * sample carries its errors). The app decides where it goes; default onWarning.
   */
  onReadError?: (name: ContainerName, error: string) => void
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
  /** Kept-open file counters (hits, opens, evictions), how many are open now, and opens that found no descriptor left. */
  fileStats(): FileStats & {open: number; budget: number; shortages: number}
  /** Names the resolver ignored (no factory accepted them), with the reason. */
  ignored(): ReadonlyMap<ContainerName, string>
  /** The watcher's counters: directories tracked, how many are polled (watch limit), rescans. */
  watchStats(): WatcherStats
  /** Reads a tracked container now, outside its schedule (the API's max_age); false when not tracked. */
  housekeepNow(name: ContainerName): boolean
  /** Containers found but not published: their runtime has not answered yet. */
  pending(): PendingContainer[]
  /** Containers published from their names alone: their runtime has not answered within the wait. */
  byName(): PendingContainer[]
  /** Pending count, published-by-name count, failed lookups by factory. */
  resolutionStats(): ResolutionStats
  /** Resolves once no container found so far is pending (each answered, or waited the whole bound). */
  settled(): Promise<void>
  /**
   * Housekeeping's place behind requests (stats/tick-queue.ts): ticks run and shed, yields, and
   * the longest wait of a due tick since the previous call (the call starts it over).
   */
  housekeepingStats(): TickQueueStats
}

class ContainerManager extends EventEmitter<ContainerViewEvents> implements Manager {
  private readonly kinds: ReadonlySet<MetricKind>
  private readonly files: OpenFiles
  private readonly store: Store
  private readonly housekeeping: Housekeeping
  private readonly watcher: Watcher
  /** Hierarchies where the watcher's view of a name is kept exact (CollectorOptions.watchedIn). */
  private readonly watchedIn: ReadonlySet<string> | undefined
  private readonly resolutions: Resolutions
  private readonly hierarchies: ReturnType<typeof controllerHierarchies>
  private readonly hostNetns: HostNetns
  private readonly tracked = new Map<ContainerName, ContainerTracker>()
  /** The background walker of writable layers, when the disk kind is on. */
  private readonly diskUsage: DiskUsage | undefined
  private readonly health: HealthPoller
  private readonly warn: (message: string) => void
  /** What every tracker tells the manager: one object for all (three closures a container, 1.5 MB at 10,000). */
  private readonly trackerHooks: TrackerHooks = {
    onSample: (s, sample) => this.emit('sample', s, sample),
    onWarning: (message) => this.warn(message),
    onReadError: (n, e) => (this.options.onReadError ?? ((name, error) => this.warn(`${name}: ${error}`)))(n, e),
  }
  /** CollectorOptions.writesSeen: one function for every collector. */
  private readonly writesSeen: (h: Hierarchy, name: ContainerName) => boolean
  /** Boot time, read once on first need: the floor for cgroup creation times. */
  private bootMs: number | undefined | null = null

  constructor(private readonly options: ManagerOptions) {
    super()
    this.kinds = options.kinds ?? selectKinds()
    this.warn = options.onWarning ?? (() => undefined)
    this.files = new OpenFiles(options.maxOpenFiles ?? defaultMaxOpenFiles(options.layout.procRoot))
    this.files.trustedRoots = cgroupfsRoots(options.layout.hierarchies.map((h) => h.mountPoint))
    // Out of descriptors is a fallback the user must see (kept files are given back meanwhile).
    let shortageSaidAt = Number.NEGATIVE_INFINITY
    this.files.onShortage = (path) => {
      const now = Date.now()
      if (now - shortageSaidAt < 60_000) return
      shortageSaidAt = now
      ;(options.onWatcherWarning ?? this.warn)(
        `out of file descriptors opening ${path}; closing kept cgroup files to go on (raise the limit: ulimit -n)`,
      )
    }
    const hk = {...DEFAULT_HOUSEKEEPING, ...options.housekeeping}
    const maxAgeMs = options.store?.maxAgeMs ?? DEFAULT_STORE.maxAgeMs
    // Enough room for the whole age window at the base interval, plus slack for jitter.
    const maxSamples = options.store?.maxSamples ?? Math.max(2, Math.ceil(maxAgeMs / Math.max(1, hk.intervalMs)) + 2)
    this.store = new Store({maxAgeMs, maxSamples})
    this.housekeeping = new Housekeeping(hk)
    this.hierarchies = controllerHierarchies(options.layout, options.controllers)
    this.health = new HealthPoller({
      // Without a resolver no container has a health check: the poller has nothing to ask.
      resolver: options.resolver ?? {resolve: () => Promise.reject(new Error('no resolver')), forget: () => undefined},
      // Walked at once (no await inside): the live map, not a copy of it.
      containers: () => this.liveStates(),
      ...(options.healthIntervalMs === undefined ? {} : {intervalMs: options.healthIntervalMs}),
    })
    // A finished walk with news is read at once, not at the container's next (backed-off) tick.
    if (this.kinds.has('disk'))
      this.diskUsage = new DiskUsage({...DEFAULT_DISK_USAGE, ...options.diskUsage}, (name) => this.housekeeping.soon(name))
    this.hostNetns = options.hostNetns ?? hostNetnsFor(options.layout)
    const resolutionHooks: ConstructorParameters<typeof Resolutions>[1] = {
      accepted: (name, r, how) => this.accepted(name, r, how),
      ignored: (name) => this.untrack(name),
      // A runtime keeping containers from being published is news the user must see.
      warn: options.onWatcherWarning ?? this.warn,
    }
    if (options.onNote) resolutionHooks.note = options.onNote
    this.resolutions = new Resolutions(
      options.resolver,
      resolutionHooks,
      options.runtimeWaitMs === undefined ? {} : {waitMs: options.runtimeWaitMs},
    )
    const w = options.watch ?? {}
    const watcherOptions: WatcherOptions = {
      hierarchies: w.hierarchies ?? selectHierarchies(options.layout, controllersForKinds(this.kinds)),
      onWarning: options.onWatcherWarning ?? this.warn,
    }
    if (w.backend !== undefined) watcherOptions.backend = w.backend
    if (w.prefixes !== undefined) watcherOptions.prefixes = w.prefixes
    if (w.rescanIntervalMs !== undefined) watcherOptions.rescanIntervalMs = w.rescanIntervalMs
    if (w.pollIntervalMs !== undefined) watcherOptions.pollIntervalMs = w.pollIntervalMs
    watcherOptions.writes = SPEC_WRITES
    this.watcher = createWatcher(watcherOptions)
    this.writesSeen = writesSeenBy(this.watcher)
    // inotify reports every removal of a tracked directory; parcel may miss a directory and
    // poll sees one only every poll interval: collectors look at the disk for those.
    this.watchedIn = (watcherOptions.backend ?? 'inotify') === 'inotify' ? new Set(watcherOptions.hierarchies.map((h) => h.id)) : undefined
    this.watcher.on('event', (e) => this.onEvent(e))
    this.watcher.on('rescan', () => this.resolutions.reaskUnsure())
    specWrittenTo(this.watcher, (name) => this.tracked.get(name))
  }

  containers(): Iterable<ContainerState> {
    // One array, made as it is filled (a spread and then a map made two of every container).
    return Array.from(this.tracked.values(), (t) => t.state)
  }

  private *liveStates(): Iterable<ContainerState> {
    for (const t of this.tracked.values()) yield t.state
  }

  get(name: ContainerName): ContainerState | undefined {
    return this.tracked.get(name)?.state
  }

  ignored(): ReadonlyMap<ContainerName, string> {
    return this.resolutions.ignored()
  }

  fileStats(): FileStats & {open: number; budget: number; shortages: number} {
    return {...this.files.stats, open: this.files.openCount, budget: this.files.maxOpen, shortages: this.files.shortages}
  }

  watchStats(): WatcherStats {
    return this.watcher.stats()
  }

  housekeepNow(name: ContainerName): boolean {
    const t = this.tracked.get(name)
    if (!t) return false
    t.tick()
    return true
  }

  pending(): PendingContainer[] {
    return this.resolutions.pending()
  }

  byName(): PendingContainer[] {
    return this.resolutions.byName()
  }

  resolutionStats(): ResolutionStats {
    return this.resolutions.stats()
  }

  settled(): Promise<void> {
    return this.resolutions.settled()
  }

  housekeepingStats(): TickQueueStats {
    const q = this.housekeeping.queue
    return {...q.stats(), maxWaitMs: q.takeMaxWait()}
  }

  async start(): Promise<void> {
    await this.watcher.start()
    this.health.start()
  }

  async stop(): Promise<void> {
    await this.watcher.stop()
    this.housekeeping.stop()
    this.health.stop()
    this.diskUsage?.stop()
    this.resolutions.clear()
    this.files.closeAll()
  }

  private onEvent(e: ContainerEvent): void {
    if (e.type === 'ContainerDelete') {
      this.resolutions.forget(e.name)
      this.untrack(e.name)
      return
    }
    if (this.tracked.has(e.name) || this.resolutions.isPending(e.name)) return
    if (this.options.include && !this.options.include(e.name)) return
    this.resolutions.ask(e.name)
  }

  private accepted(name: ContainerName, r: Resolution | undefined, how: Publication): void {
    const info = r?.info
    let t = this.tracked.get(name)
    if (!t) {
      this.track(name, info)
      t = this.tracked.get(name)!
    } else if (info) {
      t.state.info = info
      t.setRuntime(runtimeHints(info))
    }
    // Published from its name alone: the mark stays until the runtime answers.
    if (how === 'byName' && r?.decision.factory) t.state.awaiting = {factory: r.decision.factory, reason: this.awaitingReason(name)}
    else delete t.state.awaiting
  }

  private awaitingReason(name: ContainerName): string {
    return this.resolutions.byName().find((p) => p.name === name)?.reason ?? 'no answer'
  }

  private track(name: ContainerName, info: ContainerInfo | undefined): void {
    const collector = new ContainerCollector(name, {
      layout: this.options.layout,
      kinds: this.kinds,
      files: this.files,
      hierarchies: this.hierarchies,
      ...(this.diskUsage ? {diskUsage: this.diskUsage} : {}),
      ...(this.options.kindOptions ? {kindOptions: this.options.kindOptions} : {}),
      hostNetns: this.hostNetns,
      writesSeen: this.writesSeen,
      ...foundIn(this.watcher.hierarchiesOf(name), this.watchedIn),
    })
    if (info) collector.setRuntime(runtimeHints(info))
    const state: ContainerState = {name, samples: this.store.open(name), firstSeenMs: Date.now()}
    if (info) state.info = info
    if (!info?.createdAt)
      createdWhenAsked(state, () => {
        if (this.bootMs === null) this.bootMs = bootTimeMs(this.options.layout.procRoot)
        return collector.creationTimeMs(this.bootMs)
      })
    const tracker = new ContainerTracker(state, collector, this.store, this.trackerHooks)
    this.tracked.set(name, tracker)
    this.emit('add', state)
    this.housekeeping.add(name, tracker)
  }

  private untrack(name: ContainerName): void {
    const t = this.tracked.get(name)
    if (!t) return
    this.housekeeping.remove(name)
    t.close()
    this.tracked.delete(name)
    this.emit('delete', name)
  }
}

/**
 * The cgroup's creation time is a stat of every directory and one control file in each
 * hierarchy: read when something first asks (serve's events and families do at once), so
 * `cadv stats`, which never shows it, does not pay 14 stats per container at start-up.
 *
 * Every state gets the same getter and setter (the read waits in a WeakMap): V8 shares an
 * object's shape only with objects whose accessors are the same functions, and gave each state
 * with accessors of its own a dictionary of properties instead (about 450 bytes more a
 * container, and slower reads of every field the exposition and the API make).
 */
const creationReads = new WeakMap<ContainerState, () => number | undefined>()

function settleCreation(state: ContainerState, value: number | undefined): void {
  creationReads.delete(state)
  Object.defineProperty(state, 'cgroupCreatedMs', {value, writable: true, enumerable: value !== undefined, configurable: true})
}

function creationGetter(this: ContainerState): number | undefined {
  const value = creationReads.get(this)?.()
  settleCreation(this, value)
  return value
}

function creationSetter(this: ContainerState, value: number | undefined): void {
  settleCreation(this, value)
}

function createdWhenAsked(state: ContainerState, read: () => number | undefined): void {
  creationReads.set(state, read)
  Object.defineProperty(state, 'cgroupCreatedMs', {get: creationGetter, set: creationSetter, enumerable: true, configurable: true})
}

function foundIn(
  ids: ReadonlySet<string> | undefined,
  watchedIn: ReadonlySet<string> | undefined,
): {foundIn?: ReadonlySet<string>; watchedIn?: ReadonlySet<string>} {
  if (ids === undefined) return {}
  return watchedIn === undefined ? {foundIn: ids} : {foundIn: ids, watchedIn}
}

function runtimeHints(info: ContainerInfo): RuntimeHints {
  // A raw cgroup has no runtime pid; its network reader then looks for a process in the
  // cgroup and counts its interfaces only when that process has a namespace of its own
  // (never the host's), which is more than cAdvisor's "no network for raw cgroups".
  // The root cgroup's numbers are the host's: networkPid() finds a process in the host's namespace.
  const unknownPid = info.factory === 'raw' && (info.pid === 0 || info.name === '/')
  const hints: RuntimeHints = unknownPid ? {pid: 0, hasNetwork: true} : {pid: info.pid, hasNetwork: info.hasNetwork}
  if (info.writableDirs) hints.writableDirs = info.writableDirs
  return hints
}

/** Builds the manager: watcher → resolver → housekeeping → store, started by start(). */
export function createManager(options: ManagerOptions): Manager {
  return new ContainerManager(options)
}
