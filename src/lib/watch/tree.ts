import {lstatSync, readdirSync} from 'node:fs'

import {cgroupDir, childName, nameDepth, parentName, type ContainerName, type Hierarchy} from '../cgroups/index.js'
import type {DirWatch, WatchBackend} from './backend.js'
import {gone} from './gone.js'
import {countsSubdirectories, isIgnoredCgroup} from './scan.js'

/** What the tree tells its owner (the Watcher, which dedupes across hierarchies). */
export interface TreeSink {
  added(h: Hierarchy, name: ContainerName): void
  deleted(h: Hierarchy, name: ContainerName): void
  /** Schedule a re-read of `name` (a new directory must be scanned once its watch exists). */
  dirty(tree: HierarchyTree, name: ContainerName): void
  /**
   * Schedule tracking a new subdirectory found by a re-read. Queued rather than done at once
   * so a directory with 2,000 new children does not block the event loop in one call.
   */
  found(tree: HierarchyTree, name: ContainerName): void
  /** The backend could not watch `name` (ENOSPC, EACCES, ...); it is polled from now on. */
  unwatched(h: Hierarchy, name: ContainerName, err: NodeJS.ErrnoException): void
}

interface DirState {
  /** Inode number: a same-name re-create gets a new one on cgroupfs. */
  ino: number
  watch: DirWatch | undefined
  /**
   * Made with the first subdirectory: most cgroups are leaves, and an empty Set costs about
   * 200 bytes (10 MB at 10,000 containers in 5 hierarchies).
   */
  children: Set<ContainerName> | undefined
}

/**
 * The directories of one hierarchy that we track, each with its watch. The only way the set
 * changes is `reread(dir)`: read the directory, compare its subdirectories with what we know,
 * add (watch first, then schedule a scan: closes the mkdir -p race) and drop (close the
 * watches of the whole subtree, deepest first). Events, polls and rescans all come down to it.
 */
export class HierarchyTree {
  private readonly dirs = new Map<ContainerName, DirState>()
  /** Directories no event will tell us about: re-read on every poll tick. */
  readonly polled = new Set<ContainerName>()
  /** Found by a re-read and queued for track(): not queued twice by the re-reads of a burst. */
  private readonly queued = new Set<ContainerName>()
  /** Link counts tell leaves apart (cgroupfs). */
  private readonly linkCounts: boolean
  /**
   * Whether a leaf here goes without a watch (see Watcher: the lead hierarchy's watches tell
   * the other trees about subdirectories made in their leaves). A directory with a tracked
   * subdirectory always has one, so every delete of a tracked directory is an event here.
   */
  readonly leavesUnwatched: boolean

  constructor(
    readonly hierarchy: Hierarchy,
    private readonly backend: WatchBackend,
    private readonly descend: (name: ContainerName) => boolean,
    private readonly sink: TreeSink,
    watchLeaves = true,
  ) {
    this.linkCounts = countsSubdirectories(hierarchy.mountPoint)
    // Only where a leaf can be told by one lstat and the backend watches per directory.
    this.leavesUnwatched = !watchLeaves && this.linkCounts && backend.name === 'inotify'
  }

  get size(): number {
    return this.dirs.size
  }

  has(name: ContainerName): boolean {
    return this.dirs.has(name)
  }

  /** Tracked here without a watch and not polled: a leaf of a tree whose leaves go unwatched. */
  isUnwatched(name: ContainerName): boolean {
    const s = this.dirs.get(name)
    return s !== undefined && s.watch === undefined && this.leavesUnwatched && !this.polled.has(name)
  }

  /** Whether `name` is tracked with a watch that reports writes to its files (WatchBackend.seesWrites). */
  watchedForWrites(name: ContainerName): boolean {
    const w = this.dirs.get(name)?.watch
    return w !== undefined && this.backend.seesWrites?.(this.hierarchy, w) === true
  }

  /** Found by a re-read and waiting to be tracked. */
  isQueued(name: ContainerName): boolean {
    return this.queued.has(name)
  }

  names(): IterableIterator<ContainerName> {
    return this.dirs.keys()
  }

  /** Starts tracking the hierarchy's root; throws when it cannot even be read. */
  trackRoot(): void {
    lstatSync(this.hierarchy.mountPoint)
    this.track('/')
  }

  /**
   * Tracks a directory that exists (or did a moment ago): watch, then remember, report and
   * schedule its scan. Returns false when it is gone already; that is normal life.
   * Idempotent: a directory queued twice is tracked once.
   */
  track(name: ContainerName): boolean {
    this.queued.delete(name)
    if (this.dirs.has(name)) return true
    // Queued while its parent was dropped: it is gone with it.
    const parent = parentName(name)
    if (parent !== undefined && !this.dirs.has(parent)) return false
    const dir = cgroupDir(this.hierarchy, name)
    if (this.leavesUnwatched) {
      // A leaf needs no watch of its own here: its delete is an event of its parent's watch.
      let st
      try {
        st = lstatSync(dir)
      } catch (err) {
        if (gone(err)) return false
        throw err
      }
      if (st.nlink === 2) {
        this.remember(name, parent, st.ino, undefined)
        return true
      }
    }
    let watch: DirWatch | undefined
    let polled = false
    try {
      const r = this.backend.watchDir(this.hierarchy, name, dir)
      if (r === 'polled') polled = true
      else if (r !== 'covered') watch = r
    } catch (err) {
      if (gone(err)) return false
      polled = true
      this.sink.unwatched(this.hierarchy, name, err as NodeJS.ErrnoException)
    }
    // Inodes tell a same-name re-create apart when an event names the entry; the poll
    // backend has no events and needs none (it is what `cadv stats --once` runs), but on
    // cgroupfs one lstat tells it a leaf, whose first read would list its 10 to 60 control
    // files for nothing (6,000 such reads at 1,000 containers): a polled leaf is read at the
    // next poll like every polled directory, which finds what a first read would have.
    let ino = -1
    let leaf = false
    if (this.backend.name === 'poll') {
      if (this.linkCounts && polled) {
        try {
          leaf = lstatSync(dir).nlink === 2
        } catch (err) {
          if (gone(err)) return false
          throw err
        }
      }
    } else {
      try {
        const st = lstatSync(dir)
        ino = st.ino
        // Its own watch came first: a subdirectory made after this lstat is an event (not so
        // for parcel's, which may miss one made right after its parent).
        leaf = this.linkCounts && watch !== undefined && st.nlink === 2
      } catch (err) {
        watch?.close()
        if (gone(err)) return false
        throw err
      }
    }
    if (polled) this.polled.add(name)
    this.remember(name, parent, ino, watch)
    if (!leaf) this.sink.dirty(this, name)
    return true
  }

  /** Records a tracked directory under its parent and reports it. */
  private remember(name: ContainerName, parent: ContainerName | undefined, ino: number, watch: DirWatch | undefined): void {
    this.dirs.set(name, {ino, watch, children: undefined})
    const up = parent === undefined ? undefined : this.dirs.get(parent)
    if (up !== undefined) {
      ;(up.children ??= new Set()).add(name)
      // No longer a leaf: from now on its subdirectories' deletes must be events here.
      if (this.isUnwatched(parent!)) this.watchFormerLeaf(parent!, up)
    }
    this.sink.added(this.hierarchy, name)
  }

  /** Watches a directory that went unwatched as a leaf, then re-reads it for what came meanwhile. */
  private watchFormerLeaf(name: ContainerName, state: DirState): void {
    try {
      const r = this.backend.watchDir(this.hierarchy, name, cgroupDir(this.hierarchy, name))
      if (r === 'polled') this.polled.add(name)
      else if (r !== 'covered') state.watch = r
    } catch (err) {
      // Gone: the re-read below drops it.
      if (!gone(err)) {
        this.polled.add(name)
        this.sink.unwatched(this.hierarchy, name, err as NodeJS.ErrnoException)
      }
    }
    this.sink.dirty(this, name)
  }

  /** Tries again to watch a polled directory; false when the backend still refuses. */
  rewatch(name: ContainerName): boolean {
    const s = this.dirs.get(name)
    if (!s || !this.polled.has(name)) return true
    try {
      const r = this.backend.watchDir(this.hierarchy, name, cgroupDir(this.hierarchy, name))
      if (r === 'polled') return true
      if (r !== 'covered') s.watch = r
      this.polled.delete(name)
      // Anything that changed before the watch existed is found by the next re-read.
      this.sink.dirty(this, name)
      return true
    } catch (err) {
      return gone(err)
    }
  }

  /**
   * A rescan's look at a tracked directory: true when it is a leaf and still one (a tracked
   * leaf, one lstat, two links: no subdirectory was made in it), so that a whole re-read would
   * find nothing. False for everything else (a directory with subdirectories, a leaf that gained
   * one or is gone, any error, a filesystem without link counts): those are re-read whole.
   */
  stillLeaf(name: ContainerName): boolean {
    if (!this.linkCounts) return false
    const state = this.dirs.get(name)
    if (!state || (state.children?.size ?? 0) > 0) return false
    try {
      return lstatSync(cgroupDir(this.hierarchy, name)).nlink === 2
    } catch {
      return false
    }
  }

  /**
   * Reads directory `name` and brings the tracked set in line with it. `entries` are names the
   * kernel mentioned: only those are looked at (an lstat each, which also tells a same-name
   * re-create by its new inode), not the whole directory, so an event in a directory of 10,000
   * cgroups costs one lstat, not a listing of all of them. Without entries (polls, rescans, a
   * watch's error, a new directory's first scan), or with `whole`, the directory is read whole:
   * that is what repairs what events missed.
   */
  reread(name: ContainerName, entries?: ReadonlySet<string>, whole = entries === undefined): void {
    const state = this.dirs.get(name)
    if (!state) return
    const dir = cgroupDir(this.hierarchy, name)
    if (entries !== undefined) {
      this.rereadEntries(name, state, dir, entries)
      if (!whole || !this.dirs.has(name)) return
    }
    if (this.linkCounts && (state.children?.size ?? 0) === 0) {
      // A leaf that is still one: nothing to compare (rescans and polls of idle cgroups).
      try {
        if (lstatSync(dir).nlink === 2) return
      } catch (err) {
        if (gone(err) && name !== '/') this.drop(name)
        return
      }
    }
    let listing
    try {
      listing = readdirSync(dir, {withFileTypes: true})
    } catch (err) {
      if (gone(err) && name !== '/') this.drop(name)
      // The root is a mount point; anything else (EACCES) keeps what we know until it reads again.
      return
    }
    // Most often every tracked child is still there and few are new: they are counted against
    // the tracked set, with no set of the listing nor a copy of the children (10,000 of each
    // for the root of a large host, at each rescan of each hierarchy, garbage old enough to be
    // promoted before it dies).
    const children = state.children
    let still = 0
    let fresh: ContainerName[] | undefined
    for (const e of listing) {
      if (!e.isDirectory() || isIgnoredCgroup(e.name)) continue
      const child = childName(name, e.name)
      if (!this.descend(child)) continue
      if (children?.has(child) === true) still++
      else (fresh ??= []).push(child)
    }
    // Removals first: a rename within the directory must close the old watch before the new
    // path watches the same inode.
    if (children !== undefined && still < children.size) {
      const now = new Set<ContainerName>(fresh)
      for (const e of listing) {
        if (!e.isDirectory() || isIgnoredCgroup(e.name)) continue
        const child = childName(name, e.name)
        if (children.has(child) && this.descend(child)) now.add(child)
      }
      for (const child of [...children]) if (!now.has(child)) this.drop(child)
    }
    for (const child of fresh ?? []) {
      if (state.children?.has(child) === true || this.queued.has(child)) continue
      this.queued.add(child)
      this.sink.found(this, child)
    }
  }

  /** The named entries of a tracked directory, each as the kernel shows it now. */
  private rereadEntries(name: ContainerName, state: DirState, dir: string, entries: ReadonlySet<string>): void {
    for (const entry of entries) {
      const child = childName(name, entry)
      let st
      try {
        st = lstatSync(`${dir}/${entry}`)
      } catch (err) {
        // Anything but "gone" (EACCES) keeps what we know until a whole read.
        if (!gone(err)) continue
      }
      const known = this.dirs.get(child)
      // Gone, no longer a directory, or a new one under the same name (another inode).
      if (known && (st === undefined || !st.isDirectory() || (known.ino !== -1 && st.ino !== known.ino))) this.drop(child)
      if (st === undefined || !st.isDirectory() || isIgnoredCgroup(entry) || !this.descend(child)) continue
      if (state.children?.has(child) === true || this.queued.has(child)) continue
      // Its parent may have gone meanwhile (the lstat above raced an rmdir of both).
      if (!this.dirs.has(name)) return
      this.queued.add(child)
      this.sink.found(this, child)
    }
  }

  /** Stops tracking a directory and its whole subtree, reporting deletes deepest first. */
  drop(name: ContainerName): void {
    if (!this.dirs.has(name)) return
    const subtree: ContainerName[] = []
    const stack = [name]
    while (stack.length > 0) {
      const n = stack.pop()!
      subtree.push(n)
      for (const c of this.dirs.get(n)?.children ?? []) stack.push(c)
    }
    subtree.sort((a, b) => nameDepth(b) - nameDepth(a))
    for (const n of subtree) {
      const s = this.dirs.get(n)
      if (!s) continue
      s.watch?.close()
      this.dirs.delete(n)
      this.polled.delete(n)
      const parent = parentName(n)
      if (parent !== undefined) this.dirs.get(parent)?.children?.delete(n)
      this.sink.deleted(this.hierarchy, n)
    }
  }

  /** Closes every watch without reporting anything. */
  close(): void {
    for (const s of this.dirs.values()) s.watch?.close()
    this.dirs.clear()
    this.polled.clear()
    this.queued.clear()
  }
}
