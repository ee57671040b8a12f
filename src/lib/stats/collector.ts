import {existsSync} from 'node:fs'
import {dirname} from 'node:path'

import {
  cgroupDir,
  hierarchyForController,
  unifiedHierarchy,
  type CgroupLayout,
  type ContainerName,
  type Hierarchy,
} from '../cgroups/index.js'
import type {ContainerSpec, Sample} from '../model/index.js'
import {cgroupCreationMs, dirMtimeMs, type HierarchyDir} from './creation.js'
import {deepEqual} from './equal.js'
import {CgroupVanished, countLinesIn, dirExists, FileParseError, NO_HANDLE, NOT_SERVED, type OpenFiles} from './files.js'
import {readersFor} from './kinds/registry.js'
import type {Controller, ControllerDir, KindOptions, KindReader, ReadContext} from './kinds/types.js'
import type {DiskUsageSource} from './disk-usage.js'
import {ABSENT, Capture, FAILED, internName, keeps, placeHolding, ReadOp, sameBytes, type ReadLog} from './read-log.js'
import {hostNetnsFor, type HostNetns} from './netns.js'
import {SPEC_SECTIONS, type SpecSection} from './spec/reader.js'
import {knownEmpty, noTasksIn, PIDS_CURRENT_MEMO, pidsTextOf, QUIET_CHECK_READINGS} from './tasks.js'

/** How often limits, and files found absent, are looked at again. */
export const SPEC_REFRESH_MS = 30_000

/**
 * How long a spec section whose directory's watch reports writes (CollectorOptions.writesSeen)
 * goes unread while none is reported: libuv drops an overflowed inotify queue without a word,
 * so a write lost there shows within this, as a directory event lost there shows at the
 * watcher's next rescan.
 */
export const SPEC_WRITES_TRUST_MS = 300_000

/**
 * How long a cgroup whose pids.current said 0 is taken as still empty without reading it again,
 * while none of a reading's files that tell that something ran moved (memory.stat: a task that
 * arrives by exec, or runs and allocates, moves its fault and charge counters). A task that
 * arrives with nothing of that (a running process moved in that faults no page) is seen within
 * it: its CPU time at most this late. pids.current was a tenth of the process's CPU at 1,000
 * empty cgroups (one pread each a tick); this reads it every fifth tick at 1 s.
 */
export const PRESUMED_EMPTY_MS = 5_000

const CONTROLLERS: readonly Controller[] = ['cpu', 'cpuacct', 'cpuset', 'memory', 'blkio', 'pids', 'hugetlb', 'psi']

/**
 * Which hierarchy carries each controller's files on this host (shared by every container);
 * `only`: just these controllers (a command that knows its readers look nowhere else).
 */
export function controllerHierarchies(layout: CgroupLayout, only?: readonly Controller[]): Map<Controller, Hierarchy> {
  const map = new Map<Controller, Hierarchy>()
  for (const c of CONTROLLERS) {
    if (only !== undefined && !only.includes(c)) continue
    let h: Hierarchy | undefined
    if (c === 'psi') h = unifiedHierarchy(layout)
    else if (c === 'blkio') h = hierarchyForController(layout, 'blkio') ?? hierarchyForController(layout, 'io')
    else h = hierarchyForController(layout, c)
    if (h) map.set(c, h)
  }
  return map
}

/** The readers of a set of kinds and the parts of those with freshParts, per set (the manager shares one). */
const readersByKinds = new WeakMap<ReadonlySet<string>, {readers: readonly KindReader[]; freshParts: ReadonlySet<string>}>()

function readersOf(kinds: ReadonlySet<string>): {readers: readonly KindReader[]; freshParts: ReadonlySet<string>} {
  let r = readersByKinds.get(kinds)
  if (r === undefined) {
    const readers = readersFor(kinds)
    // ContainerCollector.quietKept has a bit a reader, in a small integer.
    if (readers.length > 30) throw new Error(`${readers.length} readers: quietKept holds 30`)
    readersByKinds.set(kinds, (r = {readers, freshParts: new Set(readers.flatMap((x) => x.freshParts ?? []))}))
  }
  return r
}

const NO_KIND_OPTIONS: KindOptions = Object.freeze({})

/**
 * Each hierarchy once (cpu and cpuacct may share one), and each controller's place in that
 * list: a container's directories are kept in an array by those places (ContainerCollector.dirs).
 */
interface Places {
  readonly list: readonly Hierarchy[]
  readonly of: ReadonlyMap<Controller, number>
}

/** Per shared map. */
const placesByMap = new WeakMap<Map<Controller, Hierarchy>, Places>()

function placesOf(map: Map<Controller, Hierarchy>): Places {
  let p = placesByMap.get(map)
  if (p === undefined) {
    const list = [...new Set(map.values())]
    p = {list, of: new Map([...map].map(([c, h]) => [c, list.indexOf(h)]))}
    placesByMap.set(map, p)
  }
  return p
}

/** Keys of ReadContext.state(), each a place in every collector's states (the readers' few keys). */
const STATE_KEYS = new Map<string, number>()
/** A state not made yet (a reader's state may be any value, undefined too). */
const NO_STATE: unique symbol = Symbol('no state')

/**
 * File names below a container's directories by number, for the process (absent files are
 * kept as numbers: AbsentFiles).
 */
const FILE_NUMBERS = new Map<string, number>()
const FILE_NAMES: string[] = []
/**
 * Per v1 hierarchy on cgroupfs, absent files by their name's number (FILE_NUMBERS) and when a
 * spec refresh last found one still absent there, or an open found it absent
 * (ContainerCollector.stillAbsentElsewhere).
 */
const absentLooks = new WeakMap<Hierarchy, Map<number, number>>()
/** How long one container's look at an absent file serves the others' refreshes and first reads. */
export const ABSENT_LOOK_SHARED_MS = 1_000
/** Whether any container has noted a shared look yet (absentLooks is a WeakMap: no size to ask). */
let absentLooksNoted = false
/** Places of hierarchies a code can tell apart (CONTROLLERS: at most 8). */
const PLACE_SPAN = 8

export interface CollectorOptions {
  layout: CgroupLayout
  kinds: ReadonlySet<string>
  files: OpenFiles
  /** From controllerHierarchies(layout); pass it to share one map among many collectors. */
  hierarchies?: Map<Controller, Hierarchy>
  specRefreshMs?: number
  kindOptions?: KindOptions
  /** The walker of writable layers (kind disk); without it containers get no filesystem usage. */
  diskUsage?: DiskUsageSource
  /** The host's network namespace; default one per layout found by the rules of netns.ts. */
  hostNetns?: HostNetns
  /**
   * Ids of the hierarchies where the container's directory was seen (the watcher's, which
   * lstat'ed each while it scanned; it may still grow): taken as there without another stat.
   * Hierarchies not in it are looked at.
   */
  foundIn?: ReadonlySet<string>
  /**
   * Hierarchies whose watcher keeps foundIn up to date, removals included (inotify: every
   * removal of a tracked directory is an event): there a directory found before is taken as
   * still there while foundIn holds it, with no access() at each spec refresh.
   */
  watchedIn?: ReadonlySet<string>
  /**
   * Whether a watch on this container's directory in `h` reports every write to a spec file
   * there (Watcher.seesWrites; inotify only). With it, a refresh leaves the writtenOnly sections
   * (spec/reader.ts) of such a directory unread, their values kept, until a write there is
   * reported (specWritten()), or for SPEC_WRITES_TRUST_MS. Without it every refresh reads them.
   */
  writesSeen?: (h: Hierarchy, name: ContainerName) => boolean
  /**
   * false: every reading reads the files of KindReader.stillWithoutTasks readers even when the
   * cgroup's subtree holds no task (a benchmark recording what a reading reads when all moves).
   */
  quietParts?: boolean
}

/** /sys beside the proc root: `/sys` for `/proc`, `/rootfs/sys` for `/rootfs/proc` (and fixture trees). */
export function sysRootFor(procRoot: string): string {
  const p = procRoot.replace(/\/+$/, '')
  return p === '/proc' ? '/sys' : `${dirname(p)}/sys`
}

/** What the runtime told us about the container (ContainerInfo's pid and hasNetwork). */
export interface RuntimeHints {
  pid: number
  hasNetwork: boolean
  /** Directories holding what the container wrote (docker/podman: writable layer, log directory). */
  writableDirs?: readonly string[]
}

/**
 * Reads one container's sample each tick through the enabled kinds' readers. It remembers
 * which of its directories exist and which files are absent, so a tick opens nothing that
 * failed before; both are re-checked with the spec every SPEC_REFRESH_MS.
 */
export class ContainerCollector {
  private readonly readers: readonly KindReader[]
  private readonly hierarchies: Map<Controller, Hierarchy>
  /** The distinct hierarchies and each controller's place among them (shared). */
  private readonly places: Places
  /**
   * Per place (Places.list), this container's directory there, when it exists: the object
   * dir() gives for every controller of that hierarchy (asked several times a tick by every
   * reader). An array, not a Map by hierarchy id: about 250 bytes a container less.
   */
  private dirs: Array<ControllerDir | undefined> = []
  /** How many of dirs are there. */
  private dirCount = 0
  /**
   * Files found absent (made at the first; most containers of a v1 host have four: the blkio
   * scheduler statistics no kernel has). A file in one of dirs is a number, its place plus
   * PLACE_SPAN times its name's number in FILE_NUMBERS, not its path: a path string a file
   * less (about 110 bytes; 4.6 MiB of a heap snapshot at 10,000 containers). Any other path
   * is kept whole.
   */
  private absent: number[] | undefined
  private absentPaths: Set<string> | undefined
  /**
   * Hot files this container has read, so close() frees exactly its descriptors; each path maps
   * to itself: the one string for that path every later read uses (readers build their paths
   * anew each run), so the logs, this list and the kept descriptors share it instead of each
   * holding a copy (about 1 KB per container). A list looked through (a dozen paths; reads a
   * log replays by their descriptors look nothing up): a Map's table was about 490 bytes a
   * container (a dozen paths), the list about 150.
   */
  private kept: string[] | undefined
  /** keepFilesOpen(): whether hot reads keep their descriptors. */
  private keepFiles = true
  /** ReadContext.state()'s values by their keys' places in STATE_KEYS (made at the first). */
  private states: unknown[] | undefined
  /** ctx.memo()'s values of the current reading (made at the first). */
  private memos: Map<string, unknown> | undefined
  /** Per reader (same index), what a pure reader read and made in its last run (read-log.ts). */
  private readonly logs: Array<ReadLog | undefined>
  /**
   * Per reader (same index), its log when that log's files were last read while the cgroup's
   * subtree held no task (KindReader.stillWithoutTasks): a reading finding it still so keeps
   * the log's parts without reading them (readPure).
   */
  private readonly quietLogs: Array<ReadLog | undefined>
  /** This reading looks at quiet logs (a whole reading), and trusts them (not at a spec refresh). */
  private quietMode = false
  private trustQuiet = false
  /** Readings since the quiet logs' files were last looked at (QUIET_CHECK_READINGS). */
  private sinceQuietCheck = 0
  /**
   * Readers whose quiet parts this reading kept unread, a bit each (bit i: readers[i]; fewer
   * than 31 readers), and whether another pure reader's files moved.
   */
  private quietKept = 0
  private moved = false
  /**
   * Files of a quiet log moved while pids.current still said 0: here the pids hierarchy does
   * not see the tasks the files count (v1 lets a task sit in one hierarchy's cgroup and not in
   * another's), so this container reads them at every tick.
   */
  private quietOff = false
  /** When a reading last read pids.current and found no task (-∞: not since it found one). */
  private emptyAt = Number.NEGATIVE_INFINITY
  /** The current reading's time. */
  private readingAt = 0
  /** Some pure reader whose files tell that something ran (memory.stat's fault counters): quiet parts need one. */
  private readonly witnessed: boolean
  /** The reads of the pure reader running now. */
  private capture: Capture | undefined
  /** Per-reader states created so far: a run that creates one is not logged (it reads once-only files). */
  private stateInits = 0
  /** The runtime's hints (read by the context). */
  hints: RuntimeHints = {pid: 0, hasNetwork: true}
  private specAt = Number.NEGATIVE_INFINITY
  /** When the spec last read every section, written to or not (SPEC_WRITES_TRUST_MS). */
  private specWholeAt = Number.NEGATIVE_INFINITY
  /**
   * Places (bits) where the watcher reported a spec file written (or a new watch) since the
   * spec last read there (specWritten()); all bits when the directories changed.
   */
  private writtenPlaces = 0
  /** Whether findDirs() has run: the first look waits for the first need (see lookedForDirs). */
  private looked = false
  /**
   * Places (bits) whose directory a read found reason to doubt since the last findDirs(): a
   * file there absent, or the cgroup vanished under a read there. Only those are looked at by
   * the next one where reads would see a removal (readsSeeRemoval).
   */
  private inDoubt = 0
  private tickErrors: string[] = []
  /** The last full reading's errors of the spec and of the readers without freshParts. */
  private gaugeErrors: readonly string[] = []
  /** Parts set by the readers with freshParts (the rest is kept by a reading for rates). */
  private readonly freshParts: ReadonlySet<string>
  private sawAbsent = false
  spec: ContainerSpec | undefined
  specErrors: string[] = []
  private readonly ctx: CollectorContext

  constructor(
    readonly name: ContainerName,
    private readonly options: CollectorOptions,
  ) {
    const readers = readersOf(options.kinds)
    this.readers = readers.readers
    // One slot a reader: an array grown by assignment has 17 (two of them and quietKept's were
    // about 550 bytes a container; now about 180).
    this.logs = new Array<ReadLog | undefined>(this.readers.length)
    this.quietLogs = new Array<ReadLog | undefined>(this.readers.length)
    this.freshParts = readers.freshParts
    this.witnessed = this.readers.some((r) => r.pure === true && r.stillWithoutTasks !== true)
    this.hierarchies = options.hierarchies ?? controllerHierarchies(options.layout)
    this.places = placesOf(this.hierarchies)
    this.ctx = new CollectorContext(this, options)
  }

  /**
   * Whether hot files stay open between ticks (the default). Off, each read opens and closes
   * its file, and the descriptors kept so far are closed now: for a container read rarely (its
   * tracker decides from its interval), a kept descriptor only takes budget and memory.
   */
  keepFilesOpen(keep: boolean): void {
    if (keep === this.keepFiles) return
    this.keepFiles = keep
    if (keep) return
    this.closeKept()
    // Their handles are stale now: the logs need none while nothing is kept (one array a log less).
    for (const log of this.logs) if (log !== undefined) log.handles = undefined
  }

  setRuntime(hints: RuntimeHints): void {
    this.hints = hints
  }

  /** True when the container has a directory in at least one hierarchy the readers use. */
  get exists(): boolean {
    this.lookedForDirs()
    return this.dirCount > 0
  }

  /**
   * The first look for directories comes with the first need (the first tick's spec read, or a
   * creation time asked before it), not when the container is tracked: a container found at
   * start-up is tracked while the watcher is still scanning the other hierarchies, and each
   * one the watcher has seen by then needs no stat here.
   */
  private lookedForDirs(): void {
    if (!this.looked) this.findDirs()
  }

  /** Re-reads limits and shares now (the collector also does it every SPEC_REFRESH_MS). */
  readSpec(now = Date.now()): ContainerSpec {
    // Each spec read looks again: a directory made since (a runtime makes them one hierarchy at
    // a time) joins, one gone leaves. One that went away since is found out by the reads too.
    this.findDirs()
    // Files found absent are looked at again: one access() each, which says "still not there"
    // without the exception a failed open costs (a backed-off container refreshes its spec at
    // every tick, and a v1 host lacks a dozen scheduler files per container).
    this.lookAgainAtAbsent(now)
    const whole = now - this.specWholeAt >= SPEC_WRITES_TRUST_MS
    const spec = this.readSections(whole)
    if (whole) this.specWholeAt = now
    this.specAt = now
    return spec
  }

  /**
   * The watcher saw a spec file written in this container's directory of hierarchy
   * `hierarchyId`, or began to watch it: the next reading reads the spec there.
   */
  specWritten(hierarchyId: string): void {
    const list = this.places.list
    for (let i = 0; i < list.length; i++) if (list[i]!.id === hierarchyId) this.writtenPlaces |= 1 << i
  }

  /**
   * Reads the spec's sections. 'refresh': all but those whose directory's watch reports writes
   * and reported none since their last read (unwritten()), which keep their values; 'written'
   * (between refreshes): only those of the places a write was reported in. A section's errors
   * are not kept apart: after a read with any, and when `whole`, every section is read.
   */
  private readSections(whole: boolean, only: 'refresh' | 'written' = 'refresh'): ContainerSpec {
    const before = this.spec
    const all = whole || before === undefined || this.specErrors.length > 0 || this.options.writesSeen === undefined
    const errors: string[] = []
    // Files the spec reader could not read at all are spec errors too (unreadable()).
    const tickErrors = this.tickErrors
    this.tickErrors = errors
    try {
      const spec: ContainerSpec = {}
      for (const section of SPEC_SECTIONS) {
        if (!all && (only === 'written' ? !this.writtenIn(section) : this.unwritten(section))) keepKeys(before!, spec, section.keys)
        else section.read(this.ctx, spec, errors)
      }
      // The same object while nothing changed: what was made with it (pure readers' parts, the
      // exposition's text) stays valid.
      if (before === undefined || !deepEqual(before, spec)) this.spec = spec
    } finally {
      this.tickErrors = tickErrors
    }
    this.writtenPlaces = 0
    this.specErrors = errors
    return this.spec!
  }

  /** Whether a write was reported in the section's directory. */
  private writtenIn(section: SpecSection): boolean {
    const i = this.places.of.get(section.controller)
    return i !== undefined && (this.writtenPlaces & (1 << i)) !== 0
  }

  /**
   * Whether a section may keep its values unread: it changes only by writes, its directory is
   * there, and a watch on that directory reports writes and reported none since the last read.
   */
  private unwritten(section: SpecSection): boolean {
    if (!section.writtenOnly) return false
    const i = this.places.of.get(section.controller)
    if (i === undefined || this.dirs[i] === undefined || (this.writtenPlaces & (1 << i)) !== 0) return false
    return this.options.writesSeen!(this.places.list[i]!, this.name)
  }

  /**
   * One sample, or undefined when the cgroup vanished while we read it (normal life: the
   * watcher reports the delete soon after). Parse errors are in `errors`; the rest is kept.
   *
   * With `before` (this container's previous sample), a reading for rates only: just the
   * readers with freshParts read, and every other part, with the errors of its readers and of
   * the spec, is before's (the same objects). `cadv stats` takes its first rates so: half a
   * second after a whole first reading, its counters again.
   */
  collect(now = Date.now(), before?: Sample): Sample | undefined {
    if (before !== undefined) return this.collectRates(now, before)
    const sample = this.begin(now)
    const read = sample !== undefined && this.readInto(sample, 'all')
    // The memos serve one reading: none kept between ticks (at 10,000 containers, 2 MB).
    this.memos = undefined
    return read ? this.end(sample) : undefined
  }

  /**
   * The first part of a reading: the spec when due and the readers with freshParts, in a
   * sample of this time; completeReading() reads the rest into the same sample later.
   */
  collectCounters(now = Date.now()): Sample | undefined {
    const sample = this.begin(now)
    if (sample === undefined || !this.readInto(sample, 'fresh')) return undefined
    return this.end(sample)
  }

  /**
   * The rest of collectCounters()'s reading, into its sample (the readers without freshParts,
   * their errors added); false when the cgroup vanished meanwhile (the sample keeps its counters).
   */
  completeReading(sample: Sample): boolean {
    this.tickErrors = sample.errors === undefined ? [] : [...sample.errors]
    this.specErrorCount = Math.min(this.specErrorCount, this.tickErrors.length)
    this.readerErrors = undefined
    this.sawAbsent = false
    const read = this.readInto(sample, 'rest')
    this.memos = undefined
    if (read) this.end(sample)
    return read
  }

  /** Errors of the spec read at the start of the current reading (the first of tickErrors). */
  private specErrorCount = 0
  /** Errors of the current reading's readers without freshParts. */
  private readerErrors: string[] | undefined

  /** A reading's start: the spec when due, a new sample; undefined when the cgroup is gone. */
  private begin(now: number): Sample | undefined {
    // Quiet logs are trusted between checks; a check reads their files again, which bounds how
    // long a part can miss a change no task accounts for (quietOff). A check comes with a spec
    // refresh, at least QUIET_CHECK_READINGS readings after the last: a backed-off container
    // is due for a refresh at every reading.
    const due = now - this.specAt >= (this.options.specRefreshMs ?? SPEC_REFRESH_MS)
    this.sinceQuietCheck++
    const check = due && this.sinceQuietCheck >= QUIET_CHECK_READINGS
    // A container whose subtree held no task at its last reading has its spec (and its
    // directories, and files found absent) looked at with the checks only: a backed-off empty
    // cgroup read 6 to 10 files for it at every reading, most of what such a reading opened.
    // Its limits limit nothing while nothing runs; one written meanwhile shows within
    // QUIET_CHECK_READINGS readings, and at the next reading once a task has come.
    const refreshSpec = due && (check || !this.wasEmpty())
    // A spec file written (the watcher said so): its section is read now, not at the refresh.
    const written = !refreshSpec && this.writtenPlaces !== 0 && this.spec !== undefined
    try {
      if (refreshSpec) this.readSpec(now)
      else if (written) this.readSections(false, 'written')
    } catch (err) {
      if (err instanceof CgroupVanished) return undefined
      throw err
    }
    if (this.dirCount === 0) return undefined
    // An empty list was given to no sample (only a non-empty one is): it can serve again.
    this.tickErrors = refreshSpec || written ? [...this.specErrors] : this.tickErrors.length === 0 ? this.tickErrors : []
    this.specErrorCount = this.tickErrors.length
    this.readerErrors = undefined
    this.sawAbsent = false
    this.memos = undefined
    if (check) this.sinceQuietCheck = 0
    this.trustQuiet = !check
    this.readingAt = now
    return {name: this.name, timestampMs: now}
  }

  /** Runs the readers `which` into the sample; false when the cgroup vanished meanwhile. */
  private readInto(sample: Sample, which: 'all' | 'fresh' | 'rest'): boolean {
    // Only a whole reading has the other readers' files to tell whether anything moved.
    this.quietMode = which === 'all' && this.witnessed && this.options.quietParts !== false
    this.quietKept = 0
    this.moved = false
    for (let i = 0; i < this.readers.length; i++) {
      const reader = this.readers[i]!
      const fresh = reader.freshParts !== undefined
      if ((which === 'fresh' && !fresh) || (which === 'rest' && fresh)) continue
      const errors = this.tickErrors.length
      if (!this.runReader(i, reader, sample)) return false
      if (!fresh && this.tickErrors.length > errors) (this.readerErrors ??= []).push(...this.tickErrors.slice(errors))
    }
    if (this.quietKept !== 0 && this.moved && !this.readQuietAgain(sample)) return false
    this.notePidsRead()
    this.quietMode = false
    // A file that should be there was not: if every directory is gone, the cgroup went away
    // before we opened anything, which is a vanish too.
    return !(this.sawAbsent && !this.someDirExists())
  }

  /**
   * Whether this reading may take the subtree as still empty without reading pids.current
   * (ReadContext.presumedEmpty): only in a whole reading that trusts quiet logs (not at a spec
   * refresh, which reads pids.current and the quiet files again and so bounds this too), before
   * any of its files that tell that something ran moved, within PRESUMED_EMPTY_MS of a reading
   * that found it empty. Once pids.current was read in this reading, that answer is the one.
   */
  presumedEmpty(): boolean {
    return (
      this.quietMode &&
      this.trustQuiet &&
      !this.moved &&
      !this.quietOff &&
      this.readingAt >= this.emptyAt &&
      this.readingAt - this.emptyAt < PRESUMED_EMPTY_MS &&
      this.memos?.has(PIDS_CURRENT_MEMO) !== true
    )
  }

  /**
   * Whether the last reading found the subtree empty (read, or presumed: presumedEmpty) where
   * quiet parts are on for this container: what lets begin() leave the spec to the checks.
   */
  private wasEmpty(): boolean {
    return (
      this.witnessed &&
      this.options.quietParts !== false &&
      !this.quietOff &&
      this.emptyAt > Number.NEGATIVE_INFINITY &&
      this.readingAt - this.emptyAt < PRESUMED_EMPTY_MS
    )
  }

  /** A whole reading's pids.current, when it read one: when the subtree was last found empty. */
  private notePidsRead(): void {
    if (!this.quietMode || this.memos?.has(PIDS_CURRENT_MEMO) !== true) return
    this.emptyAt = noTasksIn(pidsTextOf(this.memos.get(PIDS_CURRENT_MEMO))) ? this.readingAt : Number.NEGATIVE_INFINITY
  }

  /** A reading's end: its errors on the sample, and those a reading for rates keeps. */
  private end(sample: Sample): Sample {
    const spec = this.specErrorCount
    this.gaugeErrors =
      spec === 0 && this.readerErrors === undefined ? [] : [...this.tickErrors.slice(0, spec), ...(this.readerErrors ?? [])]
    if (this.tickErrors.length > 0) sample.errors = this.tickErrors
    return sample
  }

  /** collect() with `before`: the counters read again, the rest kept. */
  private collectRates(now: number, before: Sample): Sample | undefined {
    if (this.dirCount === 0) return undefined
    this.quietMode = false
    this.tickErrors = [...this.gaugeErrors]
    this.sawAbsent = false
    this.memos = undefined
    const sample: Sample = {name: this.name, timestampMs: now}
    const fields = sample as unknown as Record<string, unknown>
    for (const [key, value] of Object.entries(before))
      if (key !== 'name' && key !== 'timestampMs' && key !== 'errors' && !this.freshParts.has(key)) fields[key] = value
    for (let i = 0; i < this.readers.length; i++) {
      const reader = this.readers[i]!
      if (reader.freshParts !== undefined && !this.runReader(i, reader, sample)) return undefined
    }
    this.memos = undefined
    if (this.sawAbsent && !this.someDirExists()) return undefined
    if (this.tickErrors.length > 0) sample.errors = this.tickErrors
    return sample
  }

  /** Runs one reader into `sample`; false when the cgroup vanished meanwhile. */
  private runReader(i: number, reader: KindReader, sample: Sample): boolean {
    try {
      if (reader.pure === true) this.readPure(i, reader, sample)
      else reader.read(this.ctx, sample)
    } catch (err) {
      this.capture = undefined
      this.logs[i] = undefined
      if (err instanceof CgroupVanished) {
        this.doubt(err.path)
        return false
      }
      if (err instanceof FileParseError) this.tickErrors.push(err.message)
      else this.tickErrors.push(`${reader.kind}: ${(err as Error).message}`)
    }
    return true
  }

  /**
   * When the cgroup was created (oldest mtime of its directories, see cgroupCreationMs); a few
   * stat calls, so callers read it once per container, not per tick.
   */
  creationTimeMs(bootMs?: number): number | undefined {
    const list = this.places.list
    // Asked before the first look at the directories (serve's events ask as the container is
    // added: at start-up, while the watcher still scans the other hierarchies), one stat of
    // each says both whether it is there and its mtime: findDirs' look and then this one were
    // two stats of each directory the watcher had not seen yet (60,000 at 10,000 containers).
    let mtimes: Array<number | undefined> | undefined
    if (!this.looked) {
      mtimes = list.map((h) => dirMtimeMs(cgroupDir(h, this.name)))
      this.findDirs(mtimes)
    }
    const dirs: HierarchyDir[] = []
    for (let i = 0; i < list.length; i++) {
      const d = this.dirs[i]
      if (d === undefined) continue
      const mtimeMs = mtimes?.[i]
      dirs.push(mtimeMs === undefined ? {path: d.path, version: list[i]!.version} : {path: d.path, version: list[i]!.version, mtimeMs})
    }
    return cgroupCreationMs(dirs, bootMs)
  }

  /** Closes this container's kept files (on delete). */
  close(): void {
    this.closeKept()
    this.options.diskUsage?.untrack(this.name)
    this.logs.length = 0
    this.quietLogs.length = 0
  }

  /** Whether a read of this kind keeps its descriptor now. */
  private keeping(op: ReadOp): boolean {
    return this.keepFiles && keeps(op)
  }

  private closeKept(): void {
    if (this.kept === undefined) return
    for (const path of this.kept) this.options.files.close(path)
    this.kept = undefined
  }

  /** `seen`: per place, the mtime of a directory just stat'ed there (undefined: not there); else looked at here. */
  private findDirs(seen?: ReadonlyArray<number | undefined>): void {
    this.looked = true
    let dirs: Array<ControllerDir | undefined> | undefined
    const found = this.options.foundIn
    const list = this.places.list
    for (let i = 0; i < list.length; i++) {
      const h = list[i]!
      const d = cgroupDir(h, this.name)
      const known = this.dirs[i]?.path === d
      // A directory found before is looked at with access(): no Stats object (with its dates)
      // per hierarchy at each refresh, which a backed-off container makes at every tick. One
      // the watcher saw is not looked at at first (at 1,000 containers in 5 hierarchies, 5,000
      // stats saved at start-up); if it went away since, the reads find it gone.
      // Where the watcher follows removals, a known one it still holds needs no access() (5 a
      // refresh saved: a backed-off container refreshes at every tick); one it does not hold
      // (gone, or not scanned there yet at start-up) is looked at.
      // Where the watcher does not look (a v1 host's pids, cpuset and unified hierarchies with the
      // default kinds), a known directory on cgroupfs is taken as still there unless a read
      // since the last look doubted it (doubt): a removed cgroup's kept descriptors answer
      // ENODEV and its files are absent to an open, so a read there finds out first. Three
      // access() calls a container each refresh were 1.6 % of the process's CPU at 1,000.
      const watched = this.options.watchedIn?.has(h.id) === true
      const there = known
        ? (watched && found?.has(h.id) === true) ||
          (!watched && (this.inDoubt & (1 << i)) === 0 && this.readsSeeRemoval(h)) ||
          existsSync(d)
        : found?.has(h.id) === true || (seen !== undefined ? seen[i] !== undefined : dirExists(d))
      if (there !== known && dirs === undefined) dirs = Array.from({length: list.length}, (_, j) => this.dirs[j])
      if (there && !known) dirs![i] = Object.freeze({path: d, version: h.version})
      else if (!there && known) dirs![i] = undefined
    }
    this.inDoubt = 0
    // Which directories a reader looks in is an input its log does not record: another set
    // means running every pure reader again. The same set keeps the map (and the logs).
    if (dirs === undefined) return
    this.dirs = dirs
    // Values kept for a section came from the directories before.
    this.writtenPlaces = -1
    this.dirCount = dirs.reduce((n, x) => (x === undefined ? n : n + 1), 0)
    this.logs.fill(undefined)
  }

  /**
   * Whether a removal of this container's directory in `h` is seen by the reads there: on
   * cgroupfs (OpenFiles.trustedRoots) it is. A regular file of a fixture tree read through a
   * kept descriptor goes on reading after its directory was removed.
   */
  private readsSeeRemoval(h: Hierarchy): boolean {
    const mount = h.mountPoint.endsWith('/') ? h.mountPoint : `${h.mountPoint}/`
    return this.options.files.trustedRoots.some((r) => mount.startsWith(r))
  }

  /** A read of `path` found it absent or its cgroup gone: its directory is looked at by the next findDirs(). */
  private doubt(path: string): void {
    const i = placeHolding(path, this.dirs)
    if (i >= 0) this.inDoubt |= 1 << i
  }

  /** The reader context's dir(); the methods down to memo() serve CollectorContext only. */
  dir(c: Controller): ControllerDir | undefined {
    const i = this.places.of.get(c)
    return i === undefined ? undefined : this.dirs[i]
  }

  private someDirExists(): boolean {
    for (const d of this.dirs) if (d !== undefined && dirExists(d.path)) return true
    return false
  }

  /**
   * A file's code in `absent`: its directory's place plus PLACE_SPAN times its name's number;
   * -1 when it is not a file in one of the container's directories. `add` numbers a name not
   * seen yet (else -1 for it: no file of that name was found absent).
   */
  private absentCode(path: string, add: boolean): number {
    const i = placeHolding(path, this.dirs)
    if (i < 0) return -1
    const name = path.slice(this.dirs[i]!.path.length + 1)
    let n = FILE_NUMBERS.get(name)
    if (n === undefined) {
      if (!add) return -1
      // The logs' one string for the name (a slice would keep the whole path alive).
      const own = internName(name)
      n = FILE_NAMES.length
      FILE_NAMES.push(own)
      FILE_NUMBERS.set(own, n)
    }
    return i + PLACE_SPAN * n
  }

  private isAbsent(path: string): boolean {
    if (this.absent === undefined && this.absentPaths === undefined) return false
    if (this.absentPaths?.has(path) === true) return true
    if (this.absent === undefined) return false
    const code = this.absentCode(path, false)
    return code >= 0 && this.absent.includes(code)
  }

  private addAbsent(path: string): void {
    const code = this.absentCode(path, true)
    if (code < 0) (this.absentPaths ??= new Set()).add(path)
    else if (this.absent?.includes(code) !== true) this.absent = appended(this.absent, code)
  }

  /**
   * The spec refresh looks at absent files again: one access() each, which says "still not
   * there" without the exception a failed open costs. A file whose directory is not there now
   * stays absent (it is: the directory's return makes the same path, found again then).
   */
  private lookAgainAtAbsent(now: number): void {
    if (this.absentPaths !== undefined) for (const path of this.absentPaths) if (existsSync(path)) this.absentPaths.delete(path)
    const codes = this.absent
    if (codes === undefined) return
    let kept = 0
    for (let k = 0; k < codes.length; k++) {
      const code = codes[k]!
      const place = code % PLACE_SPAN
      const d = this.dirs[place]
      if (d !== undefined && !this.stillAbsentElsewhere(place, code, now)) {
        if (existsSync(`${d.path}/${FILE_NAMES[Math.floor(code / PLACE_SPAN)]!}`)) continue
        this.noteStillAbsent(place, code, now)
      }
      codes[kept++] = code
    }
    codes.length = kept
  }

  /**
   * Whether another container's refresh or open found this file (`code`: its place and name)
   * absent in the same hierarchy less than ABSENT_LOOK_SHARED_MS ago. Only in a v1 hierarchy on cgroupfs
   * and below its root: there every cgroup has the same files (the controllers' file types,
   * added to every cgroup at once when a module registers more; only the root's differ), so
   * one look serves every container refreshing about then. At 1,000 containers, 4 access()
   * calls a container each refresh (the blkio scheduler files no kernel here has) become a few.
   */
  private stillAbsentElsewhere(place: number, code: number, now: number): boolean {
    const looks = this.sharedLooks(place)
    if (looks === undefined) return false
    const at = looks.get(Math.floor(code / PLACE_SPAN))
    return at !== undefined && now >= at && now - at < ABSENT_LOOK_SHARED_MS
  }

  private noteStillAbsent(place: number, code: number, now: number): void {
    this.sharedLooks(place)?.set(Math.floor(code / PLACE_SPAN), now)
  }

  /**
   * A file this container has not read yet that another container's open found absent in the
   * same hierarchy less than ABSENT_LOOK_SHARED_MS ago (stillAbsentElsewhere: every cgroup below
   * a v1 root has the same files) is taken as absent here too, and looked at again with the
   * others at the spec refresh. At start-up 10,000 containers read their files for the first
   * time within seconds: the four blkio scheduler files no kernel here has were 40,000 failed
   * opens, each a path walk and an exception (6 % of the start's CPU), and are now a few.
   */
  private absentElsewhere(path: string): boolean {
    if (!absentLooksNoted) return false
    const code = this.absentCode(path, false)
    if (code < 0 || !this.stillAbsentElsewhere(code % PLACE_SPAN, code, this.readingAt)) return false
    this.addAbsent(path)
    return true
  }

  /**
   * An open found `path` absent: the other containers' first reads may take it as absent
   * (absentElsewhere) when its directory is still there. A file is absent from a removed
   * cgroup's directory too, and that says nothing about the others.
   */
  private shareAbsence(path: string): void {
    const code = this.absentCode(path, false)
    if (code < 0) return
    const place = code % PLACE_SPAN
    if (this.sharedLooks(place) === undefined || !dirExists(this.dirs[place]!.path)) return
    this.noteStillAbsent(place, code, this.readingAt)
  }

  /** The shared looks of the hierarchy at `place`, when its absent files can be shared (see stillAbsentElsewhere). */
  private sharedLooks(place: number): Map<number, number> | undefined {
    const h = this.places.list[place]
    if (h === undefined || h.version !== 1 || this.name === '/') return undefined
    let looks = absentLooks.get(h)
    if (looks === undefined) {
      const roots = this.options.files.trustedRoots
      const mount = h.mountPoint.endsWith('/') ? h.mountPoint : `${h.mountPoint}/`
      // Not cgroupfs (a fixture tree): its directories may hold anything.
      if (!roots.some((r) => mount.startsWith(r))) return undefined
      absentLooks.set(h, (looks = new Map()))
      absentLooksNoted = true
    }
    return looks
  }

  readOnce(path: string): string | undefined {
    try {
      const text = this.capture === undefined ? this.options.files.read(path, false) : this.fetch(path, ReadOp.Once)?.toString('latin1')
      if (text === undefined) this.doubt(path)
      return text
    } catch (err) {
      return this.unreadable(path, err)
    }
  }

  release(path: string): void {
    const i = this.keptAt(path)
    if (i >= 0) this.kept!.splice(i, 1)
    this.options.files.close(path)
  }

  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn()
    } catch (err) {
      if (err instanceof FileParseError) {
        this.tickErrors.push(err.message)
        return undefined
      }
      throw err
    }
  }

  state<T>(key: string, init: () => T): T {
    let k = STATE_KEYS.get(key)
    if (k === undefined) STATE_KEYS.set(key, (k = STATE_KEYS.size))
    const states = (this.states ??= [])
    while (states.length <= k) states.push(NO_STATE)
    if (states[k] === NO_STATE) {
      this.stateInits++
      states[k] = init()
    }
    return states[k] as T
  }

  memo<T>(key: string, compute: () => T): T {
    const memos = (this.memos ??= new Map())
    if (!memos.has(key)) memos.set(key, compute())
    return memos.get(key) as T
  }

  /**
   * A pure reader's part: the previous one when the bytes of every file it read last time are
   * unchanged (read-log.ts), else the reader runs (served the reads already done) and its run
   * is logged for the next tick. Another spec (readSpec keeps the object while its values are
   * equal), other runtime hints or other directories (findDirs drops the logs) mean running
   * it: they are its other inputs. A spec refresh alone does not: a backed-off container
   * refreshes at every tick, and its files are what the replay compares. A file found again
   * by the refresh is read by the replay and differs from the absence the log holds.
   */
  private readPure(i: number, reader: KindReader, sample: Sample): void {
    const log = this.logs[i]
    // Read before the reader's files: what they hold then is final while the subtree stays empty.
    const witness = reader.witness
    const still =
      this.quietMode &&
      (reader.stillWithoutTasks === true || witness !== undefined) &&
      !this.quietOff &&
      (this.presumedEmpty() || knownEmpty(this.ctx))
    let capture: Capture | undefined
    /** A quiet log read again (the spec refresh) whose bytes moved: did its part move too? */
    let recheck: ReadLog | undefined
    if (log !== undefined && log.spec === this.spec && log.hints === this.hints) {
      // A log with errors is read again (the errors it would add are not taken back later).
      if (
        still &&
        this.trustQuiet &&
        this.quietLogs[i] === log &&
        log.errors.length === 0 &&
        (witness === undefined || this.witnessStill(log, witness))
      ) {
        this.keepParts(log, sample)
        this.quietKept |= 1 << i
        return
      }
      capture = this.replay(log)
      if (capture === undefined) {
        this.quietLogs[i] = still ? log : undefined
        this.keepParts(log, sample)
        return
      }
      // A witnessed part may move with no task (reclaim): that says nothing about the pids hierarchy.
      if (still && witness === undefined && this.quietLogs[i] === log) recheck = log
    }
    if (reader.stillWithoutTasks !== true) this.moved = true
    this.quietLogs[i] = undefined
    this.logs[i] = undefined
    const c = (this.capture = capture ?? new Capture())
    const fields = sample as unknown as Record<string, unknown>
    const before = Object.keys(sample).length
    const errors = this.tickErrors.length
    const inits = this.stateInits
    try {
      reader.read(this.ctx, sample)
    } finally {
      this.capture = undefined
    }
    // Bytes a part does not hold may move with no task (pressure's decaying averages); the part
    // itself moving with no task means the pids hierarchy does not see the tasks it counts.
    if (recheck !== undefined && !this.samePartsAs(recheck, sample, before)) this.quietOff = true
    // A run that read nothing works from something else (another part); one that set up its
    // state read once-only files: neither can be replayed.
    if (c.count === 0 || this.stateInits !== inits) return
    const keys = Object.keys(sample)
    const parts: unknown[] = []
    for (let j = before; j < keys.length; j++) parts.push(keys[j], fields[keys[j]!])
    const made = (this.logs[i] = c.toLog(parts, this.tickErrors.slice(errors), this.spec, this.hints, this.dirs))
    if (still) this.quietLogs[i] = made
  }

  /**
   * Whether the log's read of the file named `name` (KindReader.witness) finds the same bytes
   * now: that one file read, the reader's others not. False when the log has no such read or it
   * cannot be read (the replay then reads them all and says what is wrong).
   */
  private witnessStill(log: ReadLog, name: string): boolean {
    const files = this.options.files
    log.load()
    let offset = 0
    for (let k = 0; k < log.count; k++) {
      const len = log.len(k)
      const path = log.path(k)
      if (len >= 0 && path.length > name.length && path.endsWith(name) && path.charCodeAt(path.length - name.length - 1) === 47) {
        let n: number | undefined
        try {
          n = this.readAgain(log, k, path)
        } catch (err) {
          if (err instanceof FileParseError) return false
          throw err
        }
        return sameBytes(log, k, offset, n, files)
      }
      if (len > 0) offset += len
    }
    return false
  }

  /**
   * The log's read `k` made again: through its kept descriptor while that still serves, else by
   * its path (put together only then: `path` when the caller has it). The log keeps the
   * descriptor the read used. The byte count, as OpenFiles.readLength().
   */
  private readAgain(log: ReadLog, k: number, path: string | undefined): number | undefined {
    const files = this.options.files
    const keep = this.keeping(log.op(k))
    const handle = log.handle(k)
    const served = keep && handle !== NO_HANDLE ? files.readHandle(handle) : NOT_SERVED
    const n = served !== NOT_SERVED ? served : files.readLength(path ?? log.path(k), keep)
    if (files.lastHandle !== handle) log.setHandle(k, files.lastHandle)
    return n
  }

  /** Whether the parts set on `sample` from key `from` on are the log's, by value. */
  private samePartsAs(log: ReadLog, sample: Sample, from: number): boolean {
    const had: Record<string, unknown> = {}
    log.setParts(had)
    const fields = sample as unknown as Record<string, unknown>
    const now: Record<string, unknown> = {}
    const keys = Object.keys(sample)
    for (let j = from; j < keys.length; j++) now[keys[j]!] = fields[keys[j]!]
    return deepEqual(had, now)
  }

  /** A log's parts and errors into the sample: the reader's part as it was. */
  private keepParts(log: ReadLog, sample: Sample): void {
    log.setParts(sample as unknown as Record<string, unknown>)
    for (const e of log.errors) this.tickErrors.push(e)
  }

  /**
   * Another pure reader's files moved in a reading that kept quiet parts unread: something ran
   * in the cgroup between two readings of its empty subtree (a task that came and went), so
   * those files are read after all, their parts keeping their places in the sample.
   */
  private readQuietAgain(sample: Sample): boolean {
    const fields = sample as unknown as Record<string, unknown>
    const again: number[] = []
    for (let i = 0; i < this.readers.length; i++) if ((this.quietKept & (1 << i)) !== 0) again.push(i)
    this.quietKept = 0
    let empty: boolean
    try {
      // They may have been kept on a presumption (presumedEmpty): now pids.current is read.
      empty = knownEmpty(this.ctx)
    } catch (err) {
      if (err instanceof CgroupVanished) {
        this.doubt(err.path)
        return false
      }
      throw err
    }
    for (const i of again) {
      const log = this.logs[i]!
      this.quietLogs[i] = undefined
      let same: boolean
      try {
        same = this.replay(log) === undefined
      } catch (err) {
        if (err instanceof CgroupVanished) {
          this.doubt(err.path)
          return false
        }
        throw err
      }
      if (same) {
        // Read now, the subtree still empty (kept only so): final again until a task comes. Its
        // parts are in the sample already (readPure kept them; a kept log has no errors).
        if (empty) this.quietLogs[i] = log
        continue
      }
      // Made on a sample of its own (its log takes what the run adds), then set in this one: a
      // part it had keeps its place.
      const own: Sample = {name: sample.name, timestampMs: sample.timestampMs}
      this.logs[i] = undefined
      if (!this.runReader(i, this.readers[i]!, own)) return false
      const had: Record<string, unknown> = {}
      log.setParts(had)
      for (const key in had) if (!(key in own)) delete fields[key]
      for (const [key, value] of Object.entries(own)) if (key !== 'name' && key !== 'timestampMs') fields[key] = value
    }
    return true
  }

  /**
   * Reads the log's files again in order; undefined when every one has the same bytes, else a
   * capture holding the reads up to and including the first that differs. A file the log
   * found absent is not looked for while it is known absent (the spec refresh looks again).
   */
  private replay(log: ReadLog): Capture | undefined {
    const files = this.options.files
    log.load()
    let offset = 0
    for (let k = 0; k < log.count; k++) {
      const op = log.op(k)
      const len = log.len(k)
      // Put together only when needed: a read its kept descriptor serves needs none.
      const path = op !== ReadOp.Once && len === ABSENT ? log.path(k) : undefined
      let n: number | undefined
      if (path === undefined || !this.isAbsent(path)) {
        try {
          n = this.readAgain(log, k, path)
        } catch (err) {
          // The reader reads it again and says what is wrong with it.
          if (err instanceof FileParseError) return Capture.afterReplay(log, k)
          throw err
        }
      }
      if (!sameBytes(log, k, offset, n, files)) {
        const c = Capture.afterReplay(log, k)
        c.push(path ?? log.path(k), op, n === undefined ? ABSENT : n, n === undefined ? undefined : files.lastBytes(n), files.lastHandle)
        c.extendPrefix()
        return c
      }
      if (len > 0) offset += len
    }
    return undefined
  }

  /** A file's bytes for a reader: from the capture's replayed reads, or read (and captured). */
  private fetch(path: string, op: ReadOp): Buffer | undefined {
    const c = this.capture
    if (c === undefined) return this.options.files.readBytes(path, this.keeping(op))
    const len = c.take(path, op)
    if (len !== undefined) return len === ABSENT || len === FAILED ? undefined : c.lastBytes()
    let bytes: Buffer | undefined
    const files = this.options.files
    try {
      bytes = files.readBytes(path, this.keeping(op))
    } catch (err) {
      if (err instanceof FileParseError) c.push(path, op, FAILED, undefined, NO_HANDLE)
      throw err
    }
    c.push(path, op, bytes === undefined ? ABSENT : bytes.length, bytes, files.lastHandle)
    return bytes
  }

  /** A file known to be absent is not read; a capture still notes that it was asked for. */
  private skipped(path: string, op: ReadOp): undefined {
    const c = this.capture
    if (c !== undefined && c.take(path, op) === undefined) c.push(path, op, ABSENT, undefined, NO_HANDLE)
    return undefined
  }

  /** The place of `path` in kept, or -1. */
  private keptAt(path: string): number {
    const kept = this.kept
    if (kept !== undefined) for (let i = 0; i < kept.length; i++) if (kept[i] === path) return i
    return -1
  }

  /** kept's string for `path` (the one every later read shares), or undefined. */
  private keptPath(path: string): string | undefined {
    const at = this.keptAt(path)
    return at < 0 ? undefined : this.kept![at]
  }

  readHot(path: string): string | undefined {
    const own = this.keptPath(path)
    if (own !== undefined) path = own
    if (this.isAbsent(path) || (own === undefined && this.absentElsewhere(path))) return this.skipped(path, ReadOp.Hot)
    try {
      // Outside a pure reader's run the text comes straight from the read buffer: no view of it
      // (an object a read) and no closure for the error handling (another).
      const text =
        this.capture === undefined
          ? this.options.files.read(path, this.keeping(ReadOp.Hot))
          : this.fetch(path, ReadOp.Hot)?.toString('latin1')
      return this.noteAbsent(path, text, true, own !== undefined)
    } catch (err) {
      return this.unreadable(path, err)
    }
  }

  countLines(path: string, keep: boolean): number | undefined {
    const op = keep ? ReadOp.CountKept : ReadOp.CountOnce
    const own = this.keptPath(path)
    if (own !== undefined) path = own
    if (this.isAbsent(path) || (own === undefined && this.absentElsewhere(path))) return this.skipped(path, op)
    try {
      const known = own !== undefined
      if (this.capture === undefined) return this.noteAbsent(path, this.options.files.countLines(path, this.keeping(op)), keep, known)
      const bytes = this.fetch(path, op)
      return this.noteAbsent(path, bytes === undefined ? undefined : countLinesIn(bytes, bytes.length), keep, known)
    } catch (err) {
      return this.unreadable(path, err)
    }
  }

  /**
   * A file that cannot be read at all (a FIFO, a device, past the size cap) is an error of this
   * sample and reads as missing this tick, so the reader keeps the rest of its part; it is not
   * remembered as absent, so the next tick tries again and reports it again.
   */
  private unreadable(path: string, err: unknown): undefined {
    if (!(err instanceof FileParseError) || err.path !== path) throw err
    this.tickErrors.push(err.message)
    return undefined
  }

  /** `known`: path is in kept already. */
  private noteAbsent<T>(path: string, value: T | undefined, keep: boolean, known: boolean): T | undefined {
    if (keep && this.keepFiles && !known) this.kept = appended(this.kept, path)
    if (value === undefined) {
      this.addAbsent(path)
      this.shareAbsence(path)
      this.doubt(path)
      this.sawAbsent = true
    }
    return value
  }
}

/**
 * What readers see of a collector: one small object whose methods live on the prototype. An
 * object literal with a closure per method and getters cost about 1.6 KB per container (a
 * dictionary of properties and a dozen functions): 16 MB at 10,000 containers.
 */
class CollectorContext implements ReadContext {
  readonly name: ContainerName
  readonly kinds: ReadonlySet<string>
  readonly options: KindOptions
  readonly procRoot: string
  readonly sysRoot: string
  readonly diskUsage: DiskUsageSource | undefined
  readonly hostNetns: HostNetns

  constructor(
    private readonly c: ContainerCollector,
    o: CollectorOptions,
  ) {
    this.name = c.name
    this.kinds = o.kinds
    this.options = o.kindOptions ?? NO_KIND_OPTIONS
    this.procRoot = o.layout.procRoot
    this.sysRoot = sysRootFor(o.layout.procRoot)
    this.diskUsage = o.diskUsage
    this.hostNetns = o.hostNetns ?? hostNetnsFor(o.layout)
  }

  // Getters: a reader sees the collector's current spec and hints.
  get spec(): ContainerSpec | undefined {
    return this.c.spec
  }
  get pid(): number {
    return this.c.hints.pid
  }
  get hasNetwork(): boolean {
    return this.c.hints.hasNetwork
  }
  get writableDirs(): readonly string[] {
    return this.c.hints.writableDirs ?? []
  }
  dir(controller: Controller): ControllerDir | undefined {
    return this.c.dir(controller)
  }
  read(path: string): string | undefined {
    return this.c.readHot(path)
  }
  countLines(path: string, keep = true): number | undefined {
    return this.c.countLines(path, keep)
  }
  readOnce(path: string): string | undefined {
    return this.c.readOnce(path)
  }
  release(path: string): void {
    this.c.release(path)
  }
  attempt<T>(fn: () => T): T | undefined {
    return this.c.attempt(fn)
  }
  state<T>(key: string, init: () => T): T {
    return this.c.state(key, init)
  }
  memo<T>(key: string, compute: () => T): T {
    return this.c.memo(key, compute)
  }
  presumedEmpty(): boolean {
    return this.c.presumedEmpty()
  }
}

/** A section's values, kept from the spec before. */
function keepKeys(from: ContainerSpec, to: ContainerSpec, keys: ReadonlyArray<keyof ContainerSpec>): void {
  const src = from as Record<string, unknown>
  const dst = to as Record<string, unknown>
  for (const k of keys) if (src[k] !== undefined) dst[k] = src[k]
}

/**
 * `list` and `x` after it, in an array of exactly their length: a push grows an array to 17
 * slots (then half again), spare for good in a collector's small lists, which grow only at
 * its first readings (kept paths, absent files).
 */
function appended<T>(list: readonly T[] | undefined, x: T): T[] {
  const n = list === undefined ? 0 : list.length
  const out = new Array<T>(n + 1)
  for (let i = 0; i < n; i++) out[i] = list![i]!
  out[n] = x
  return out
}
