/*
 * Skipping the parse of files whose bytes did not change. A reader that declares itself `pure`
 * (its part is a function of the bytes it reads through the context, the spec and the runtime
 * hints) has what it read kept as a log: the paths in order, their bytes, and the parts and
 * errors it produced. On the next tick the collector re-reads the same files in the same order
 * and compares bytes; when every one is unchanged the previous parts are reused as they are
 * (the same objects: equality checks, the store and the exposition then see identity), without
 * decoding, parsing or allocating. At the first difference the reader runs, and the reads
 * already done are served to it from here rather than read twice.
 *
 * An idle container's files do not change between ticks, which is most containers most of the
 * time; a busy one's cpu.stat does, and only its kind is parsed again.
 */
import {countLinesIn, NO_HANDLE, type OpenFiles} from './files.js'

/** How a file was read: a hot file, a line count (kept open or not), or opened, read and closed. */
export const enum ReadOp {
  Hot = 0,
  CountKept = 1,
  CountOnce = 2,
  Once = 3,
}

/** A read that found no file, or that failed with an error of its file (never equal to anything). */
export const ABSENT = -1
export const FAILED = -2

/** Whether a kind of read keeps its descriptor open. */
export function keeps(op: ReadOp): boolean {
  return op === ReadOp.Hot || op === ReadOp.CountKept
}

/** Slots of one read in ReadLog.items: its directory, its name there, its code. */
const READ_SLOTS = 3
/** Errors of a run that added none: one array for every such log. */
const NO_ERRORS: readonly string[] = Object.freeze([])

/**
 * One reader's last full run. About 50,000 of these live at 10,000 containers (five readers
 * each), so a log is four objects: itself, one array of its reads and parts, the bytes as one
 * string (16 bytes of header; a Uint8Array with its ArrayBuffer was about 100 more, and a
 * backing store outside the heap) and the spec's and hints' objects it shares. A read's path is
 * not kept whole: most are a file name below one of the container's directories, so the log
 * holds that directory's string (the collector's own) and the name (one string per file name
 * for the whole process), and the path is put together again when it is read: about 90 bytes a
 * read less for a concatenation that dies young.
 */
export class ReadLog {
  constructor(
    /**
     * Per read, three slots: the directory (one of the collector's strings; '' when the path
     * is not below one), the name below it (or the whole path), and the code: its ReadOp in the
     * low two bits, its byte length (or ABSENT / FAILED) above them. Then, per part the reader
     * set, its field and value.
     */
    readonly items: readonly unknown[],
    readonly count: number,
    /** The reads' bytes, one after the other, as latin1 (one char a byte). */
    readonly bytes: string,
    /** Error lines the reader added. */
    readonly errors: readonly string[],
    /** The spec and runtime hints it ran with: another one means running it again. */
    readonly spec: unknown,
    readonly hints: unknown,
  ) {}

  /**
   * Per read, the kept descriptor's handle (OpenFiles.lastHandle), so a replay reads it
   * without looking its path up; undefined while every one is NO_HANDLE (nothing kept, as for
   * a container read rarely). Updated by the replay (setHandle).
   */
  handles: number[] | undefined = undefined

  /** How read k was read. */
  op(k: number): ReadOp {
    return ((this.items[k * READ_SLOTS + 2] as number) & 3) as ReadOp
  }

  /** The byte length of read k, or ABSENT / FAILED. */
  len(k: number): number {
    return (this.items[k * READ_SLOTS + 2] as number) >> 2
  }

  /** The path of read k (a concatenation when it is a name below a directory). */
  path(k: number): string {
    const dir = this.items[k * READ_SLOTS] as string
    const name = this.items[k * READ_SLOTS + 1] as string
    return dir === '' ? name : `${dir}/${name}`
  }

  handle(k: number): number {
    return this.handles === undefined ? NO_HANDLE : this.handles[k]!
  }

  setHandle(k: number, handle: number): void {
    if (this.handles === undefined) {
      if (handle === NO_HANDLE) return
      this.handles = new Array<number>(this.count).fill(NO_HANDLE)
    }
    this.handles[k] = handle
  }

  /** Sets the logged parts on `fields` (a sample). */
  setParts(fields: Record<string, unknown>): void {
    const items = this.items
    for (let j = this.count * READ_SLOTS; j < items.length; j += 2) fields[items[j] as string] = items[j + 1]
  }

  /** The logged bytes in `logBytes` (see there), from offset 0, for sameBytes and afterReplay. */
  load(): void {
    ensureLogBytes(this.bytes.length)
    if (this.bytes.length > 0) logBytes.write(this.bytes, 0, 'latin1')
  }
}

/** The bytes of the log being replayed (ReadLog.load): one buffer for the process (collection is synchronous). */
let logBytes = Buffer.allocUnsafeSlow(16 * 1024)

function ensureLogBytes(size: number): void {
  if (size <= logBytes.length) return
  let n = logBytes.length
  while (n < size) n *= 2
  logBytes = Buffer.allocUnsafeSlow(n)
}

/** Grows by doubling; one for the whole process (collection is synchronous). */
let scratch = Buffer.allocUnsafeSlow(16 * 1024)

function ensure(size: number): void {
  if (size <= scratch.length) return
  let n = scratch.length
  while (n < size) n *= 2
  const bigger = Buffer.allocUnsafeSlow(n)
  scratch.copy(bigger, 0, 0, scratch.length)
  scratch = bigger
}

/**
 * File names below a container's directories, one string each for the process (`memory.stat`
 * for every container's memory.stat). Only names without a slash are kept: the files readers
 * name in a cgroup's directory, a set as small as the kinds' code.
 */
const names = new Map<string, string>()

export function internName(name: string): string {
  const known = names.get(name)
  if (known !== undefined) return known
  // A slice of the path would keep the whole path alive: a copy of its own.
  const own = Buffer.from(name, 'utf8').toString('utf8')
  if (own !== name) return name
  names.set(own, own)
  return own
}

/**
 * The place in `dirs` of the directory whose path `path` names a file in (dir + '/' + a name
 * without a slash), or -1.
 */
export function placeHolding(path: string, dirs: ReadonlyArray<{readonly path: string} | undefined>): number {
  for (let i = 0; i < dirs.length; i++) {
    const d = dirs[i]?.path
    if (d === undefined) continue
    if (path.length > d.length + 1 && path.charCodeAt(d.length) === 47 && path.startsWith(d) && path.indexOf('/', d.length + 1) < 0)
      return i
  }
  return -1
}

/**
 * The reads of one reader's run, in order, with their bytes. A prefix of them may have been
 * read already (by a replay that stopped at a difference); the reader's calls take those first,
 * as long as they ask for the same files in the same way.
 */
export class Capture {
  readonly paths: string[] = []
  readonly ops: ReadOp[] = []
  private readonly handles: number[] = []
  private readonly starts: number[] = []
  private readonly lens: number[] = []
  private used = 0
  private prefix = 0
  private pos = 0

  /**
   * A capture that starts with the replayed reads [0, k) of `log` (equal to the log's bytes),
   * which is the one loaded (ReadLog.load).
   */
  static afterReplay(log: ReadLog, k: number): Capture {
    const c = new Capture()
    let offset = 0
    for (let i = 0; i < k; i++) {
      const len = log.len(i)
      c.push(log.path(i), log.op(i), len, len > 0 ? logBytes.subarray(offset, offset + len) : undefined, log.handle(i))
      if (len > 0) offset += len
    }
    c.prefix = k
    return c
  }

  /** Adds one read (its bytes are copied); `handle`: its kept descriptor's (OpenFiles.lastHandle). */
  push(path: string, op: ReadOp, len: number, bytes: Uint8Array | undefined, handle: number): void {
    this.paths.push(path)
    this.ops.push(op)
    this.handles.push(handle)
    this.starts.push(this.used)
    this.lens.push(len)
    if (len > 0 && bytes !== undefined) {
      ensure(this.used + len)
      scratch.set(bytes.subarray(0, len), this.used)
      this.used += len
    }
  }

  /** Makes the read just replayed and found different part of the prefix. */
  extendPrefix(): void {
    this.prefix = this.paths.length
  }

  /**
   * The prefix entry for this call, when it is the next one and asks for the same file the
   * same way: its length (ABSENT, FAILED or bytes), else undefined (the caller reads and pushes).
   */
  take(path: string, op: ReadOp): number | undefined {
    if (this.pos < this.prefix && this.paths[this.pos] === path && this.ops[this.pos] === op) return this.lens[this.pos++]!
    if (this.pos < this.prefix) this.truncate(this.pos)
    this.pos = this.prefix
    return undefined
  }

  /** The bytes of the entry take() just gave (valid until the next push). */
  lastBytes(): Buffer {
    const i = this.pos - 1
    return scratch.subarray(this.starts[i]!, this.starts[i]! + Math.max(0, this.lens[i]!))
  }

  /** The bytes of the entry just pushed. */
  pushedBytes(): Buffer {
    const i = this.paths.length - 1
    return scratch.subarray(this.starts[i]!, this.starts[i]! + Math.max(0, this.lens[i]!))
  }

  /** Entries past `n` were replayed but the reader asked for something else: drop them. */
  private truncate(n: number): void {
    this.paths.length = n
    this.ops.length = n
    this.handles.length = n
    this.starts.length = n
    this.lens.length = n
    this.used = n === 0 ? 0 : this.starts[n - 1]! + Math.max(0, this.lens[n - 1]!)
    this.prefix = n
  }

  get count(): number {
    return this.paths.length
  }

  /**
   * The run as a log: `parts` flat (field, value, field, value…), `dirs` the container's
   * directories by hierarchy, undefined where it has none (a path below one is kept as that
   * string and a shared name).
   */
  toLog(
    parts: readonly unknown[],
    errors: readonly string[],
    spec: unknown,
    hints: unknown,
    dirs: ReadonlyArray<{readonly path: string} | undefined>,
  ): ReadLog {
    const n = this.paths.length
    const items = new Array<unknown>(n * READ_SLOTS + parts.length)
    let kept = false
    for (let k = 0; k < n; k++) {
      const path = this.paths[k]!
      const place = placeHolding(path, dirs)
      const dir = place < 0 ? undefined : dirs[place]!.path
      items[k * READ_SLOTS] = dir ?? ''
      items[k * READ_SLOTS + 1] = dir === undefined ? path : internName(path.slice(dir.length + 1))
      items[k * READ_SLOTS + 2] = (this.lens[k]! << 2) | this.ops[k]!
      if (this.handles[k] !== NO_HANDLE) kept = true
    }
    for (let j = 0; j < parts.length; j++) items[n * READ_SLOTS + j] = parts[j]
    const log = new ReadLog(
      items,
      n,
      this.used === 0 ? '' : scratch.toString('latin1', 0, this.used),
      errors.length === 0 ? NO_ERRORS : errors,
      spec,
      hints,
    )
    if (kept) log.handles = this.handles.slice()
    return log
  }
}

/**
 * Whether read k of the loaded log (ReadLog.load), whose bytes start at `offset`, equals the
 * read that just found `n` bytes (undefined: no file) in `files`.
 */
export function sameBytes(log: ReadLog, k: number, offset: number, n: number | undefined, files: OpenFiles): boolean {
  const len = log.len(k)
  if (n === undefined) return len === ABSENT
  return len === n && files.sameAsRead(n, logBytes, offset)
}

/** A line count from bytes of a read (cgroup.procs). */
export function linesOf(bytes: Buffer): number {
  return countLinesIn(bytes, bytes.length)
}
