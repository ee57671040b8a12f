import {closeSync, constants, openSync, readSync, readlinkSync, statSync} from 'node:fs'

import {onCgroupfs} from '../cgroups/index.js'
import {formatCap, MAX_KERNEL_FILE_BYTES, openRegularFile, readBoundedText, UnreadableFileError} from '../util/index.js'

/**
 * Hot cgroup files are kept open and re-read with a positional read at offset 0: one syscall
 * per file per tick instead of open/read/close, and no path walk through cgroupfs. The number
 * of kept descriptors is bounded (`--max-open-files`); beyond it the least recently read one is
 * closed. Reads are synchronous on purpose: a cgroupfs read is a few microseconds of kernel
 * work, and the promise machinery around an async read costs more than the read itself.
 */

/** The cgroup was removed while we read it: the sample ends quietly, it is not an error. */
export class CgroupVanished extends Error {
  constructor(readonly path: string) {
    super(`${path}: cgroup vanished`)
    this.name = 'CgroupVanished'
  }
}

/** A file's content could not be parsed; the message names the file and what was wrong. */
export class FileParseError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`)
    this.name = 'FileParseError'
  }
}

const GONE = new Set(['ENODEV', 'ESRCH'])
/** Errors that mean "this file is not there / not supported here", not "broken". */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EOPNOTSUPP', 'ENOTSUP', 'EINVAL'])

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code
}

/** Soft RLIMIT_NOFILE from /proc/self/limits; Node cannot call getrlimit itself. */
export function openFileLimit(procRoot = '/proc'): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readBoundedText(`${procRoot}/self/limits`, MAX_KERNEL_FILE_BYTES, 'latin1'))
    if (!m) return undefined
    return m[1] === 'unlimited' ? undefined : Number(m[1])
  } catch {
    return undefined
  }
}

/**
 * Descriptors neither kept cgroup files nor HTTP connections may take: the watcher's directory
 * reads and inotify, files opened per read (v1 cgroup.procs, spec files), runtime sockets, the
 * bcrypt worker and Node's own. A quarter of the limit when that is less.
 */
export const DESCRIPTOR_RESERVE = 512
const MAX_KEPT_FILES = 16384
const MAX_CONNECTIONS = 4096

/** A budget that leaves room for sockets, watches and the runtime's own descriptors. */
export function defaultMaxOpenFiles(procRoot = '/proc'): number {
  const limit = openFileLimit(procRoot) ?? 1024
  return Math.max(0, Math.min(MAX_KEPT_FILES, limit - DESCRIPTOR_RESERVE))
}

/** --max-open-files and --max-connections that do not fit in the descriptor limit. */
export class DescriptorBudgetError extends Error {
  readonly exitCode = 2
}

export interface DescriptorBudget {
  /** RLIMIT_NOFILE; undefined when unlimited or unknown. */
  limit: number | undefined
  /** Kept cgroup files (OpenFiles' maxOpen). */
  openFiles: number
  /** Open HTTP connections. */
  connections: number
}

/**
 * How a process that serves HTTP splits its descriptor limit: kept cgroup files and
 * connections each get a share and a reserve (DESCRIPTOR_RESERVE, or a quarter of a smaller
 * limit) stays free of both, so idle connections
 * can never take what cgroup reads and the watcher need (a cgroup missed until the next
 * rescan), nor the reverse. By default connections get a quarter of what is left after the
 * reserve (at least 16, at most 4096) and kept files the rest (at most 16384); a value the
 * user gives is taken as is, and the two together must fit.
 */
export function descriptorBudget(limit: number | undefined, asked: {openFiles?: number; connections?: number} = {}): DescriptorBudget {
  // A small limit (a container's 1024, or less) keeps a quarter in reserve instead of 512.
  const reserve = limit === undefined ? DESCRIPTOR_RESERVE : Math.min(DESCRIPTOR_RESERVE, Math.floor(limit / 4))
  const usable = limit === undefined ? Number.POSITIVE_INFINITY : limit - reserve
  const share = Math.min(usable, Math.max(16, Math.min(MAX_CONNECTIONS, Math.floor(usable / 4))))
  // What the user gave is taken as is; what is left to a default shrinks to fit beside it.
  const connections = asked.connections ?? (asked.openFiles === undefined ? share : Math.max(1, Math.min(share, usable - asked.openFiles)))
  const openFiles = asked.openFiles ?? Math.max(0, Math.min(MAX_KEPT_FILES, usable - connections))
  if (limit !== undefined && openFiles + connections > usable) {
    throw new DescriptorBudgetError(
      `--max-open-files ${openFiles} and --max-connections ${connections} need ${openFiles + connections} descriptors; the limit is ${limit} with ${reserve} kept in reserve (lower them, or raise the limit: ulimit -n)`,
    )
  }
  return {limit, openFiles, connections}
}

export interface FileStats {
  /** Reads served from a kept descriptor (one pread). */
  hits: number
  /** Reads that had to open the file (first read, or after an LRU close). */
  opens: number
  /** Descriptors closed to stay within the budget (or given back when the process ran out). */
  evictions: number
}

/** Kept descriptors given back at once when the process runs out of them. */
const SHORTAGE_RELEASE = 32

const INITIAL_BUFFER = 64 * 1024

/**
 * The mount points among `dirs` that are cgroupfs, each with a trailing slash. Every file there
 * is a kernel control file, a regular file, so OpenFiles opens them without a stat first (at
 * 10,000 containers that stat was a sixth of the busy time). A fixture tree anywhere else is
 * still checked.
 */
export function cgroupfsRoots(dirs: Iterable<string>): string[] {
  const roots: string[] = []
  for (const d of new Set(dirs)) if (onCgroupfs(d)) roots.push(d.endsWith('/') ? d : `${d}/`)
  return roots
}

/**
 * A handle names a kept descriptor without its path: fd + generation × FD_SPAN, where a
 * descriptor number's generation goes up each time a kept one of that number is closed. A
 * handle whose generation is no longer its fd's is stale (the file was closed, and the number
 * may since be another file's): reading through it reads by path instead. Descriptors stay
 * below FD_SPAN (2^22, far above any RLIMIT_NOFILE of 16,384 kept files plus the reserve), and
 * generations wrap below 2^30 so that a handle stays an exact integer.
 */
const FD_SPAN = 2 ** 22
const GEN_MASK = 2 ** 30 - 1
/** No handle: the last read kept no descriptor. */
export const NO_HANDLE = -1
/** OpenFiles.readHandle() could not serve the read: read by path. */
export const NOT_SERVED = -1

export class OpenFiles {
  /**
   * path → kept descriptor. Which one to close over the budget is chosen the CLOCK way (an
   * approximation of least recently read): a hand walks the map in insertion order, spares an
   * entry read since it last passed (clearing the mark) and closes the first that was not. A
   * read only sets a mark (recent[fd]): re-inserting the entry on every read, for an exact
   * order, made V8 rebuild the table of 14,000 entries several times a second, a megabyte each.
   */
  private readonly fds = new Map<string, number>()
  private hand: Iterator<[string, number]> | undefined
  /**
   * The map's size when the hand was made. A Map iterator keeps the table it was made on alive
   * after the map has rebuilt its table for another size (it follows to the new one only at
   * its next step): a hand made while 10,000 descriptors were kept held that table, 2.4 MiB,
   * long after they were closed. So the hand starts again once the map is a quarter of it.
   */
  private handSize = 0
  /** Per descriptor number: read since the eviction hand last passed it (1) or not (0). */
  private recent = new Uint8Array(256)
  /** Per descriptor number: its generation (see FD_SPAN). */
  private gens = new Uint32Array(256)
  /** The handle of the descriptor the last read used, when it is kept; else NO_HANDLE. */
  lastHandle = NO_HANDLE
  private buf: Buffer
  readonly stats: FileStats = {hits: 0, opens: 0, evictions: 0}
  /** Opens that found the process out of descriptors (EMFILE, ENFILE). */
  shortages = 0
  /** Told when an open finds the process out of descriptors (the app warns once and counts it). */
  onShortage: ((path: string) => void) | undefined
  /** cgroupfs mount points (cgroupfsRoots): files under them are opened without a stat. */
  trustedRoots: readonly string[] = []

  /**
   * `maxFileBytes` caps one file: a longer one is a parse error of that file (a regular file
   * that never ends, in a fixture tree, must not take the memory of the process).
   */
  /** A subclass is told of every read by its path (noteRead): readHandle() leaves every read to a path. */
  private readonly tellsReads: boolean

  constructor(
    readonly maxOpen: number,
    readonly maxFileBytes = MAX_KERNEL_FILE_BYTES,
  ) {
    this.buf = this.freshBuffer()
    this.tellsReads = this.noteRead !== OpenFiles.prototype.noteRead
  }

  private freshBuffer(): Buffer {
    return Buffer.allocUnsafe(Math.min(INITIAL_BUFFER, this.maxFileBytes + 1))
  }

  get openCount(): number {
    return this.fds.size
  }

  /**
   * The file's content, or undefined when it does not exist. Throws CgroupVanished when a kept
   * descriptor reports the cgroup gone (ENODEV). `keep` false reads and closes (spec files, read rarely).
   */
  read(path: string, keep = true): string | undefined {
    const n = this.readLoad(path, keep)
    return n === undefined ? undefined : this.buf.toString('latin1', 0, n)
  }

  /**
   * The file's bytes, or undefined when it does not exist: a view of the read buffer, valid
   * until the next read (copy what must outlive it). Same keeping and errors as read(); for
   * callers that compare bytes before they decode anything.
   */
  readBytes(path: string, keep = true): Buffer | undefined {
    const n = this.readLoad(path, keep)
    return n === undefined ? undefined : this.buf.subarray(0, n)
  }

  /**
   * Reads the file like readBytes() but makes no view of it: its byte count, or undefined when
   * it does not exist. For a caller that mostly only compares (sameAsRead) and asks for the
   * bytes (lastBytes) only when they differ: a view is an object per read.
   */
  readLength(path: string, keep = true): number | undefined {
    return this.readLoad(path, keep)
  }

  /** Whether the first `n` bytes of the last read equal target[start, start + n). */
  sameAsRead(n: number, target: Uint8Array, start: number): boolean {
    return n === 0 || this.buf.compare(target, start, start + n, 0, n) === 0
  }

  /** The first `n` bytes of the last read: a view valid until the next read. */
  lastBytes(n: number): Buffer {
    return this.buf.subarray(0, n)
  }

  /**
   * The number of non-empty lines in the file (cgroup.procs: one pid a line), or undefined when
   * it does not exist. Counted on the read buffer, so a cgroup with thousands of pids costs no
   * string. Same descriptor keeping and errors as read().
   */
  countLines(path: string, keep = true): number | undefined {
    const n = this.readLoad(path, keep)
    return n === undefined ? undefined : countLinesIn(this.buf, n)
  }

  /**
   * Reads `path` through `handle` (lastHandle after an earlier read of it) without looking the
   * path up: at 1,000 containers the look-up in a table of 14,000 paths was a tenth of the
   * process's CPU (a few cache misses each, 14,000 times a second). A stale handle, or an
   * error, reads by path as read() does. The byte count, as readLength().
   */
  readKept(handle: number, path: string): number | undefined {
    const n = this.readHandle(handle)
    return n === NOT_SERVED ? this.readLoad(path, true) : n
  }

  /**
   * readKept() without the path: the byte count, or NOT_SERVED when the handle is stale, the
   * read failed, or a subclass is told of reads by path; the caller then reads by path (which
   * meets the same error and deals with it). A replay of a log puts a read's path together
   * only then: a string a read less, 14,000 a second at 1,000 containers.
   */
  readHandle(handle: number): number {
    const fd = handle % FD_SPAN
    if (this.tellsReads || handle < 0 || fd >= this.gens.length || this.gens[fd]! * FD_SPAN + fd !== handle) return NOT_SERVED
    let n: number
    try {
      // The path only names the file in an error, and errors are left to the read by path.
      n = this.readFd(fd, '')
    } catch {
      return NOT_SERVED
    }
    this.recent[fd] = 1
    this.stats.hits++
    this.lastHandle = handle
    return n
  }

  private readLoad(path: string, keep: boolean): number | undefined {
    const n = this.load(path, keep)
    this.noteRead(path, keep, n !== undefined)
    return n
  }

  /** Told of every read (a benchmark's recorder: bench/lib/recording-files.ts); nothing here. */
  protected noteRead(_path: string, _keep: boolean, _found: boolean): void {}

  /**
   * Reads the whole file into this.buf; the byte count, or undefined when it does not exist.
   * Every read by path comes here (readLoad, which tells noteRead).
   */
  private load(path: string, keep: boolean): number | undefined {
    this.lastHandle = NO_HANDLE
    const kept = this.fds.get(path)
    if (kept !== undefined) {
      try {
        const n = this.readFd(kept, path)
        this.recent[kept] = 1
        this.stats.hits++
        this.lastHandle = this.gens[kept]! * FD_SPAN + kept
        return n
      } catch (err) {
        this.fds.delete(path)
        this.closeKept(kept)
        if (err instanceof CgroupVanished || err instanceof FileParseError) throw err
        // An odd error on a kept fd: fall through and try a fresh open once.
      }
    }
    let fd: number
    try {
      fd = this.open(path)
    } catch (err) {
      // A FIFO, a device or a socket where a cgroup file should be: an error of this file in
      // this sample, never a read that blocks or never ends.
      if (err instanceof UnreadableFileError) throw new FileParseError(path, err.reason)
      const c = code(err)
      if (c !== undefined && (ABSENT.has(c) || c === 'EACCES')) return undefined
      if (c !== undefined && GONE.has(c)) throw new CgroupVanished(path)
      throw err
    }
    this.stats.opens++
    let n: number
    try {
      n = this.readFd(fd, path)
    } catch (err) {
      closeQuietly(fd)
      throw err
    }
    if (keep && this.maxOpen > 0 && fd < FD_SPAN) {
      this.fds.set(path, fd)
      this.grow(fd)
      this.recent[fd] = 0
      while (this.fds.size > this.maxOpen) this.evictOne()
      // The budget may have closed this very one (nothing else was read less recently).
      if (this.fds.get(path) === fd) this.lastHandle = this.gens[fd]! * FD_SPAN + fd
    } else {
      closeQuietly(fd)
    }
    return n
  }

  /**
   * Opens a file; when the process is out of descriptors, gives back some of the kept ones
   * (least recently read first) and tries once more, so collection goes on with fewer kept
   * files instead of failing. Counted in `shortages`.
   */
  private open(path: string): number {
    try {
      return this.openOne(path)
    } catch (err) {
      const c = code(err)
      if (c !== 'EMFILE' && c !== 'ENFILE') throw err
      this.shortages++
      this.onShortage?.(path)
      if (this.fds.size === 0) throw err
      const give = Math.max(1, Math.min(this.fds.size, SHORTAGE_RELEASE))
      for (let i = 0; i < give; i++) this.evictOne()
      return this.openOne(path)
    }
  }

  private openOne(path: string): number {
    for (const root of this.trustedRoots) {
      // Non-blocking as openRegularFile's: the same flags whatever the file turns out to be.
      if (path.startsWith(root)) return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
    }
    return openRegularFile(path)
  }

  /** Closes the kept descriptor the hand stops at (see `fds`); at most two turns of the map. */
  private evictOne(): void {
    for (let steps = 2 * this.fds.size + 1; steps > 0; steps--) {
      let r = this.hand?.next()
      if (r === undefined || r.done === true) {
        // Map iterators follow deletes and inserts, so the hand is only restarted at the end.
        this.hand = this.fds.entries()
        this.handSize = this.fds.size
        r = this.hand.next()
        if (r.done === true) return
      }
      const [path, kept] = r.value
      if (this.recent[kept] !== 0) {
        this.recent[kept] = 0
        continue
      }
      this.fds.delete(path)
      this.closeKept(kept)
      this.stats.evictions++
      return
    }
  }

  /** Closes one kept descriptor (a process's /proc file once another process stands for the container). */
  close(path: string): void {
    const kept = this.fds.get(path)
    if (kept === undefined) return
    this.fds.delete(path)
    this.closeKept(kept)
    this.shrunk()
  }

  /** Drops the hand once the map has shrunk to a quarter of its size then (see handSize). */
  private shrunk(): void {
    if (this.hand !== undefined && this.fds.size * 4 < this.handSize) this.hand = undefined
  }

  /** Closes every kept descriptor whose path starts with one of `dirs` (a deleted container's). */
  closeUnder(dirs: readonly string[]): void {
    for (const [path, kept] of this.fds) {
      if (dirs.some((d) => path.startsWith(d + '/'))) {
        this.fds.delete(path)
        this.closeKept(kept)
      }
    }
    this.shrunk()
  }

  closeAll(): void {
    for (const kept of this.fds.values()) this.closeKept(kept)
    this.fds.clear()
    this.hand = undefined
  }

  /** Closes a kept descriptor; handles to it go stale. */
  private closeKept(fd: number): void {
    this.gens[fd] = (this.gens[fd]! + 1) & GEN_MASK
    closeQuietly(fd)
  }

  /** Room in the per-descriptor arrays for `fd`. */
  private grow(fd: number): void {
    if (fd < this.gens.length) return
    let size = this.gens.length
    while (size <= fd) size *= 2
    const gens = new Uint32Array(size)
    gens.set(this.gens)
    const recent = new Uint8Array(size)
    recent.set(this.recent)
    this.gens = gens
    this.recent = recent
  }

  /** Reads from offset 0 into this.buf; the byte count. */
  private readFd(fd: number, path: string): number {
    for (;;) {
      let n: number
      try {
        n = readSync(fd, this.buf, 0, this.buf.length, 0)
      } catch (err) {
        const c = code(err)
        if (c !== undefined && (GONE.has(c) || c === 'ENOENT')) throw new CgroupVanished(path)
        if (c !== undefined && ABSENT.has(c)) return 0
        // A child cgroup named like a control file, opened without a stat (trustedRoots).
        if (c === 'EISDIR') throw new FileParseError(path, 'is a directory')
        throw err
      }
      // A full buffer may mean a longer file: grow and re-read from 0 so the text is one snapshot.
      if (n < this.buf.length) return n
      if (this.buf.length > this.maxFileBytes) {
        this.buf = this.freshBuffer()
        throw new FileParseError(path, `larger than ${formatCap(this.maxFileBytes)}`)
      }
      this.buf = Buffer.allocUnsafe(Math.min(this.buf.length * 2, this.maxFileBytes + 1))
    }
  }
}

/** Non-empty lines in buf[0, n): one pid a line in cgroup.procs, counted without a string. */
export function countLinesIn(buf: Uint8Array, n: number): number {
  let lines = 0
  let start = 0
  while (start < n) {
    let nl = buf.indexOf(0x0a, start)
    if (nl < 0 || nl >= n) nl = n
    if (nl > start) lines++
    start = nl + 1
  }
  return lines
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // already closed or the kernel object is gone; nothing to do
  }
}

export function dirExists(dir: string): boolean {
  try {
    // No exception for the usual "not there" (a hierarchy the container is not in, looked at
    // again with every spec refresh): building one costs more than the stat.
    return statSync(dir, {throwIfNoEntry: false})?.isDirectory() ?? false
  } catch {
    return false
  }
}

export function readlinkQuiet(path: string): string | undefined {
  try {
    return readlinkSync(path)
  } catch {
    return undefined
  }
}
