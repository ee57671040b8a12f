import {EventEmitter} from 'node:events'
import {lstatSync} from 'node:fs'
import {performance} from 'node:perf_hooks'

import {cgroupDir, childName, isUnder, parentName, type ContainerName, type Hierarchy} from '../cgroups/index.js'
import {pollBackend, type WatchBackend} from './backend.js'
import {inotifyBackend} from './inotify.js'
import type {ParcelOptions} from './parcel.js'
import {prefixFilter, type ScanResult} from './scan.js'
import {HierarchyTree, type TreeSink} from './tree.js'
import {makeEvent, type ContainerEvent} from '../model/index.js'
import type {WatchBackendName} from './types.js'

export interface WatcherOptions {
  hierarchies: Hierarchy[]
  /** `inotify` (default): fs.watch per directory; `parcel`: @parcel/watcher; `poll`: rescans only. */
  backend?: WatchBackendName
  /** Only containers at or under these names. */
  prefixes?: ContainerName[]
  /** Full rescan that repairs what events missed (cAdvisor: 1 min). 0 turns it off. */
  rescanIntervalMs?: number
  /** How often directories without a watch (poll backend, or past the watch limit) are re-read. */
  pollIntervalMs?: number
  /**
   * A watch on every directory of every hierarchy. Without it (the default) only the lead
   * hierarchy (leadHierarchy) watches its leaves; elsewhere a leaf has no watch of its own
   * (its delete is an event of its parent's), a subdirectory made in it is found through the
   * lead's event for the same path, and one the lead never gets by the next rescan.
   */
  watchEveryLeaf?: boolean
  /**
   * Writes to these files of watched directories are reported ('written'; inotify only): with
   * `leavesIn`, the leaves of the hierarchies it accepts are watched too (one inotify watch a
   * directory, about 1 KiB of memory each), not only the lead's.
   */
  writes?: {files: ReadonlySet<string>; leavesIn?: (h: Hierarchy) => boolean}
  /** Human-readable notes (fallbacks, limits); also emitted as 'warning'. */
  onWarning?: (message: string) => void
}

export interface WatcherEvents {
  event: [ContainerEvent]
  warning: [string]
  /** A full rescan finished (cAdvisor's global housekeeping: the time to re-check what was unsure). */
  rescan: []
  /**
   * A file of WatcherOptions.writes was written in directory `name` of hierarchy `hierarchyId`,
   * or a watch there began (what was written before it is unknown): see seesWrites().
   */
  written: [hierarchyId: string, name: ContainerName]
}

export interface WatcherStats {
  backend: WatchBackendName
  /** Directories tracked, summed over hierarchies. */
  directories: number
  /** Of those, directories without a watch that are re-read every poll interval. */
  polled: number
  /** Full rescans done since start. */
  rescans: number
  /**
   * Directory re-reads done since start (events, polls and rescans): what the watcher costs. A
   * rescan's look at a leaf that is still one (an lstat) is not one.
   */
  rereads: number
  /** Longest synchronous stretch of re-reads in one turn of the event loop, in ms (wall clock). */
  longestSliceMs: number
  /** The same stretch in CPU time of this process: what the watcher itself cost, without preemption. */
  longestSliceCpuMs: number
}

export const DEFAULT_RESCAN_INTERVAL_MS = 60_000
export const DEFAULT_POLL_INTERVAL_MS = 1000

/**
 * Longest stretch of synchronous re-reads before yielding to the event loop. A burst of 2,000
 * new cgroups otherwise blocks output and timers for the whole burst (docs/ARCHITECTURE.md, "Facts").
 */
const SLICE_MS = 5

/** Re-reads a lingering name may wait for (see Watcher.lingering) before its delete goes out. */
const LINGER_ROUNDS = 5

interface DirtyDir {
  tree: HierarchyTree
  name: ContainerName
  /** Entries events named; only they are looked at unless `whole`. */
  entries: Set<string> | undefined
  /** Something asked for the whole directory (a poll, a rescan, an event without a name). */
  whole: boolean
}

/**
 * Finds containers and reports each add and delete once, across every watched hierarchy.
 * `start()` emits the existing containers as initial adds before it resolves, then changes
 * stream as 'event'. Each hierarchy is a HierarchyTree fed by a backend; this class dedupes
 * names across hierarchies (an add when the first hierarchy shows a name, a delete when the
 * last one loses it), coalesces re-reads, and runs the rescan and poll timers.
 */
export class Watcher extends EventEmitter<WatcherEvents> {
  /** Reported container name → ids of the hierarchies that hold it. */
  protected readonly known: ScanResult = new Map()
  private readonly trees: HierarchyTree[] = []
  private readonly dirty = new Map<string, DirtyDir>()
  /** New subdirectories to track, in the order found (a queue with a moving head). */
  private readonly found: Array<{tree: HierarchyTree; name: ContainerName}> = []
  private foundHead = 0
  private readonly idleWaiters: Array<() => void> = []
  /**
   * Names gone from every tracked hierarchy but still on disk in one whose tree has not
   * caught up (runc removes a container one hierarchy at a time; under CPU starvation the
   * trees catch up in any order). Their delete waits until that tree has looked again.
   */
  private readonly lingering = new Map<ContainerName, number>()
  /**
   * Hierarchies whose tree saw a name go, in its current life: their word is final (a
   * directory there now is a re-create, reported as such), so lingering never waits on them.
   */
  private readonly dropped = new Map<ContainerName, Set<string>>()
  private readonly filter
  private readonly warned = new Set<string>()
  private backend: WatchBackend | undefined
  private flushScheduled = false
  private starting = true
  private stopped = false
  private rescans = 0
  private rereads = 0
  private longestSliceMs = 0
  private longestSliceCpuMs = 0
  private rescanTimer: NodeJS.Timeout | undefined
  private pollTimer: NodeJS.Timeout | undefined
  private rescanning: Promise<void> | undefined

  constructor(protected readonly options: WatcherOptions) {
    super()
    this.filter = prefixFilter(options.prefixes ?? [])
  }

  get names(): ReadonlySet<ContainerName> {
    return new Set(this.known.keys())
  }

  /**
   * Whether a write to a file of WatcherOptions.writes in directory `name` of hierarchy
   * `hierarchyId` is reported ('written') now: the directory is tracked there with a watch that
   * reports writes (inotify; not parcel, poll, or a directory polled past the watch limit).
   */
  seesWrites(hierarchyId: string, name: ContainerName): boolean {
    for (const t of this.trees) if (t.hierarchy.id === hierarchyId) return t.watchedForWrites(name)
    return false
  }

  /**
   * Ids of the hierarchies where `name` has been seen, as they are found: the set grows while
   * a scan goes on and is replaced when the name goes and comes back. Undefined when unknown.
   */
  hierarchiesOf(name: ContainerName): ReadonlySet<string> | undefined {
    return this.known.get(name)
  }

  get backendName(): WatchBackendName {
    return this.options.backend ?? 'inotify'
  }

  stats(): WatcherStats {
    let directories = 0
    let polled = 0
    for (const t of this.trees) {
      directories += t.size
      polled += t.polled.size
    }
    return {
      backend: this.backendName,
      directories,
      polled,
      rescans: this.rescans,
      rereads: this.rereads,
      longestSliceMs: this.longestSliceMs,
      longestSliceCpuMs: this.longestSliceCpuMs,
    }
  }

  async start(): Promise<void> {
    if (this.backend) throw new Error('watcher already started')
    this.backend = await createBackend(this.backendName, {
      prefixes: this.options.prefixes ?? [],
      pollIntervalMs: this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      warn: (key, m) => this.warn(key, m),
    })
    const sink = this.sink()
    const lead = leadHierarchy(this.options.hierarchies)
    const everyLeaf = this.options.watchEveryLeaf ?? false
    const writes = this.options.writes
    for (const h of this.options.hierarchies) {
      const isLead = h === lead
      const leaves = isLead || everyLeaf || writes?.leavesIn?.(h) === true
      const tree = new HierarchyTree(h, this.backend, this.filter.descend, sink, leaves)
      this.trees.push(tree)
      await this.backend.attach(
        h,
        isLead ? (name, entry) => this.markLead(tree, name, entry) : (name, entry) => this.mark(tree, name, entry),
        (name) => this.markUnder(tree, name),
        writes === undefined
          ? undefined
          : {files: writes.files, written: (name) => (this.stopped ? undefined : this.emit('written', h.id, name))},
      )
      tree.trackRoot()
    }
    await this.idle()
    // Subscriptions made by the first scan (parcel's) are in force before start() resolves.
    await this.backend.ready?.()
    await this.idle()
    this.starting = false
    // stop() may have run during one of the awaits above: what was opened since (watches, a
    // parcel subscription) must be closed too, and arming the timers would keep the process alive.
    if (this.stopped) return this.teardown()
    const rescanMs = this.options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS
    if (rescanMs > 0) this.rescanTimer = setInterval(() => this.reconcileInBackground(), rescanMs)
    this.pollTimer = setInterval(() => this.poll(), this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS)
  }

  /** Closes every watch and timer. Nothing is emitted afterwards. */
  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.rescanTimer)
    clearInterval(this.pollTimer)
    this.dirty.clear()
    this.lingering.clear()
    this.dropped.clear()
    this.found.length = 0
    this.foundHead = 0
    await this.teardown()
  }

  private async teardown(): Promise<void> {
    for (const t of this.trees) t.close()
    await this.backend?.stop()
    for (const w of this.idleWaiters.splice(0)) w()
  }

  /**
   * A full rescan: re-reads every tracked directory (new ones are scanned as they are found),
   * so creates and deletes that events missed are reported now. Resolves when done.
   */
  reconcile(): Promise<void> {
    this.rescanning ??= (async () => {
      try {
        await this.backend?.beforeRescan?.()
        if (this.stopped) return
        await this.rescanTrees()
        await this.idle()
        this.rescans++
        if (!this.stopped) this.emit('rescan')
      } finally {
        this.rescanning = undefined
      }
    })()
    return this.rescanning
  }

  /**
   * Every tracked directory of every tree, looked at in slices of SLICE_MS: a leaf that is still
   * one costs one lstat here (most directories of a large host), everything else is marked for a
   * whole re-read, as an event would be. Directories tracked meanwhile are looked at too (a Map
   * iterator sees entries added while it runs); ones dropped meanwhile are skipped.
   */
  private async rescanTrees(): Promise<void> {
    for (const t of this.trees) {
      const names = t.names()
      for (;;) {
        if (this.stopped) return
        const deadline = performance.now() + SLICE_MS
        let done = false
        for (let i = 0; ; i++) {
          const next = names.next()
          if (next.done === true) {
            done = true
            break
          }
          if (!t.stillLeaf(next.value)) this.mark(t, next.value)
          // performance.now() every 64 directories: a leaf's lstat is a few microseconds.
          if ((i & 63) === 63 && performance.now() > deadline) break
        }
        if (done) break
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }
  }

  /** A timer's rescan: nobody awaits it, so a failure becomes a warning, not an unhandled rejection. */
  private reconcileInBackground(): void {
    this.reconcile().catch((err: unknown) => {
      const e = err as NodeJS.ErrnoException
      this.warn(`rescan:${e.code ?? e.message}`, `rescan failed (${e.code ?? e.message}); the next one retries`)
    })
  }

  /** Resolves when every pending re-read is done. */
  idle(): Promise<void> {
    if (!this.pending() || this.stopped) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private sink(): TreeSink {
    return {
      added: (h, name) => {
        if (!this.filter.report(name)) return
        let set = this.known.get(name)
        if (!set) {
          this.known.set(name, (set = new Set()))
          this.emit('event', makeEvent('ContainerAdd', name, this.starting))
        }
        set.add(h.id)
        this.lingering.delete(name)
      },
      deleted: (h, name) => {
        const set = this.known.get(name)
        if (!set || !set.delete(h.id)) return
        let dropped = this.dropped.get(name)
        if (!dropped) this.dropped.set(name, (dropped = new Set()))
        dropped.add(h.id)
        if (set.size > 0) return
        if (this.stillOnDisk(name, dropped)) {
          this.lingering.set(name, 0)
          return
        }
        this.forgetName(name)
      },
      dirty: (tree, name) => this.mark(tree, name),
      found: (tree, name) => {
        this.found.push({tree, name})
        this.schedule()
      },
      unwatched: (h, name, err) => {
        if (err.code === 'ENOSPC') {
          this.warn(
            'ENOSPC',
            `inotify watch limit reached (fs.inotify.max_user_watches); cgroup directories without a watch are re-read every ` +
              `${this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS} ms instead (first: ${h.id} ${name}). Raise it with sysctl -w fs.inotify.max_user_watches=N`,
          )
        } else {
          this.warn(`watch:${err.code}`, `cannot watch ${h.id} ${name} (${err.code ?? err.message}); polling it instead`)
        }
      },
    }
  }

  /** Says something once per key: a watch limit is news the first time, noise after. */
  private warn(key: string, message: string): void {
    if (this.warned.has(key)) return
    this.warned.add(key)
    this.options.onWarning?.(message)
    this.emit('warning', message)
  }

  /**
   * Whether `name`, gone from every tree that tracked it, still exists in another hierarchy:
   * that tree is asked to re-read its nearest tracked ancestor, which leads it to the name.
   */
  private stillOnDisk(name: ContainerName, dropped: ReadonlySet<string>): boolean {
    let found = false
    for (const t of this.trees) {
      if (t.has(name) || dropped.has(t.hierarchy.id)) continue
      let ancestor = parentName(name)
      while (ancestor !== undefined && !t.has(ancestor)) ancestor = parentName(ancestor)
      if (ancestor === undefined) continue
      try {
        if (!lstatSync(cgroupDir(t.hierarchy, name)).isDirectory()) continue
      } catch {
        continue
      }
      found = true
      this.mark(t, ancestor)
    }
    return found
  }

  /**
   * Once the re-reads are done: a lingering name that no tree tracked meanwhile is deleted now,
   * unless it is still on disk; a few rounds at most, so a tree that cannot track it (a
   * directory it cannot read) does not hold the delete back for good.
   */
  private settleLingering(): void {
    for (const [name, rounds] of [...this.lingering]) {
      const set = this.known.get(name)
      if (!set || set.size > 0) {
        this.lingering.delete(name)
        continue
      }
      // A tree has yet to re-read the parent or to track the name: it may still do so.
      if (this.awaited(name)) continue
      if (rounds < LINGER_ROUNDS && this.stillOnDisk(name, this.dropped.get(name) ?? new Set())) {
        this.lingering.set(name, rounds + 1)
        continue
      }
      this.forgetName(name)
    }
  }

  /** The name is gone from every hierarchy: its one delete. */
  private forgetName(name: ContainerName): void {
    this.lingering.delete(name)
    this.dropped.delete(name)
    this.known.delete(name)
    this.emit('event', makeEvent('ContainerDelete', name, false))
  }

  /** Whether some tree still has the re-read of an ancestor of `name`, or the tracking of one, queued. */
  private awaited(name: ContainerName): boolean {
    for (const t of this.trees) {
      for (let n: ContainerName | undefined = name; n !== undefined; n = parentName(n)) {
        if (t.isQueued(n) || this.dirty.has(`${t.hierarchy.id}\0${n}`)) return true
      }
    }
    return false
  }

  /**
   * An event of the lead hierarchy's watches, which cover its leaves too: each other tree that
   * holds the same directory (or its nearest tracked ancestor) as an unwatched leaf re-reads it
   * as well. That is how a subdirectory made in such a leaf is found without a watch there;
   * runtimes make a container's directories in every hierarchy, at the same relative path.
   */
  private markLead(lead: HierarchyTree, name: ContainerName, entry?: string): void {
    this.mark(lead, name, entry)
    for (const t of this.trees) {
      if (t === lead || !t.leavesUnwatched) continue
      let n: ContainerName | undefined = name
      while (n !== undefined && !t.has(n)) n = parentName(n)
      if (n === undefined || !t.isUnwatched(n)) continue
      if (n === name) this.mark(t, name, entry)
      else this.mark(t, n)
    }
  }

  private markUnder(tree: HierarchyTree, name: ContainerName): void {
    for (const n of tree.names()) if (isUnder(n, name)) this.mark(tree, n)
  }

  private mark(tree: HierarchyTree, name: ContainerName, entry?: string): void {
    if (this.stopped) return
    // An event about an entry off the path to the prefixes (another cgroup beside an ancestor
    // of the prefix, on a busy host many a second) changes nothing tracked: no re-read.
    if (entry !== undefined && !this.filter.descend(childName(name, entry))) return
    const key = `${tree.hierarchy.id}\0${name}`
    let d = this.dirty.get(key)
    if (!d) this.dirty.set(key, (d = {tree, name, entries: undefined, whole: false}))
    if (entry !== undefined) (d.entries ??= new Set()).add(entry)
    else d.whole = true
    this.schedule()
  }

  private readonly flush = (): void => {
    this.flushScheduled = false
    if (this.stopped) return
    const started = performance.now()
    const cpu = process.cpuUsage()
    const deadline = started + SLICE_MS
    // New directories first (lowest latency for adds), then re-reads; stop at the deadline.
    slice: while (performance.now() < deadline) {
      while (this.foundHead < this.found.length) {
        const {tree, name} = this.found[this.foundHead++]!
        this.guard(tree, name, () => tree.track(name))
        if (performance.now() > deadline) break slice
      }
      this.found.length = 0
      this.foundHead = 0
      if (this.dirty.size === 0) break
      for (const [key, d] of this.dirty) {
        this.dirty.delete(key)
        this.rereads++
        this.guard(d.tree, d.name, () => d.tree.reread(d.name, d.entries, d.whole))
        if (this.found.length > 0 || performance.now() > deadline) continue slice
      }
    }
    this.longestSliceMs = Math.max(this.longestSliceMs, performance.now() - started)
    const used = process.cpuUsage(cpu)
    this.longestSliceCpuMs = Math.max(this.longestSliceCpuMs, (used.user + used.system) / 1000)
    if (this.lingering.size > 0) this.settleLingering()
    if (this.pending()) {
      this.flushScheduled = true
      setImmediate(this.flush)
    } else {
      for (const w of this.idleWaiters.splice(0)) w()
    }
  }

  private pending(): boolean {
    return this.dirty.size > 0 || this.foundHead < this.found.length
  }

  private schedule(): void {
    if (this.flushScheduled || this.stopped) return
    this.flushScheduled = true
    setImmediate(this.flush)
  }

  /** A failure other than "gone" (handled in the tree as a delete): say it once, let the rescan retry. */
  private guard(tree: HierarchyTree, name: ContainerName, work: () => unknown): void {
    try {
      work()
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      this.warn(`read:${e.code}`, `cannot read ${tree.hierarchy.id} ${name}: ${e.code ?? e.message}`)
    }
  }

  /** Re-reads directories that have no watch, and tries once per tick to watch them again. */
  private poll(): void {
    for (const t of this.trees) {
      if (t.polled.size === 0) continue
      let retry = this.backendName !== 'poll'
      for (const name of [...t.polled]) {
        // One refusal means the limit still holds; do not hammer the kernel with the rest.
        if (retry && !t.rewatch(name)) retry = false
        this.mark(t, name)
      }
    }
  }
}

/**
 * The hierarchy whose leaves are watched: the one with the cpu controller (every runtime makes
 * each container's cgroup there), else the first.
 */
export function leadHierarchy(hierarchies: readonly Hierarchy[]): Hierarchy | undefined {
  return hierarchies.find((h) => h.controllers.includes('cpu')) ?? hierarchies[0]
}

async function createBackend(name: WatchBackendName, o: ParcelOptions): Promise<WatchBackend> {
  switch (name) {
    case 'inotify':
      return inotifyBackend()
    case 'poll':
      return pollBackend()
    case 'parcel': {
      const {parcelBackend} = await import('./parcel.js')
      return parcelBackend(o)
    }
  }
}

export function createWatcher(options: WatcherOptions): Watcher {
  return new Watcher(options)
}
