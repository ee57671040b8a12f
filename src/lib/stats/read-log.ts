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
import {countLinesIn, type OpenFiles} from './files.js'

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

/**
 * One reader's last full run. About 4,000 of these live at 1,000 containers, so it is kept
 * small: exact-length arrays (a pushed-to array keeps room for 16 more), each read's way and
 * length in one small integer (codes), and every path the very string the first run used (the
 * descriptor table and the collector hold that one too), not a copy per run.
 */
export interface ReadLog {
  readonly paths: readonly string[]
  /** Per read: its ReadOp in the low two bits, its byte length (or ABSENT / FAILED) above them. */
  readonly codes: readonly number[]
  /**
   * Per read: the kept descriptor's handle (OpenFiles.lastHandle; NO_HANDLE when none), so a
   * replay reads it without looking its path up. Updated by the replay when it changed.
   */
  readonly handles: number[]
  /** The reads' bytes, one after the other. */
  readonly bytes: Uint8Array
  /** Sample fields the reader set, with their values. */
  readonly parts: Array<[string, unknown]>
  /** Error lines the reader added. */
  readonly errors: string[]
  /** The spec and runtime hints it ran with: another one means running it again. */
  readonly spec: unknown
  readonly hints: unknown
}

/** How read k of the log was read. */
export function opAt(log: ReadLog, k: number): ReadOp {
  return (log.codes[k]! & 3) as ReadOp
}

/** The byte length of read k of the log, or ABSENT / FAILED. */
export function lenAt(log: ReadLog, k: number): number {
  return log.codes[k]! >> 2
}

const NO_BYTES = new Uint8Array(0)

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

  /** A capture that starts with the replayed reads [0, k) of `log` (equal to the log's bytes). */
  static afterReplay(log: ReadLog, k: number): Capture {
    const c = new Capture()
    let offset = 0
    for (let i = 0; i < k; i++) {
      const len = lenAt(log, i)
      c.push(log.paths[i]!, opAt(log, i), len, len > 0 ? log.bytes.subarray(offset, offset + len) : undefined, log.handles[i]!)
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

  /** The run as a log, reusing `old`'s byte store when it is large enough, and its path strings. */
  toLog(parts: Array<[string, unknown]>, errors: string[], spec: unknown, hints: unknown, old: ReadLog | undefined): ReadLog {
    const n = this.paths.length
    const bytes =
      this.used === 0
        ? NO_BYTES
        : old !== undefined && old.bytes.length >= this.used && old.bytes.length <= 2 * this.used + 64
          ? old.bytes
          : new Uint8Array(this.used)
    bytes.set(scratch.subarray(0, this.used), 0)
    const paths = new Array<string>(n)
    const codes = new Array<number>(n)
    const handles = new Array<number>(n)
    for (let k = 0; k < n; k++) {
      const path = this.paths[k]!
      // The string the last log held when it is the same path: one copy of each kept path.
      const before = old !== undefined && k < old.paths.length ? old.paths[k]! : undefined
      paths[k] = before === path ? before : path
      codes[k] = (this.lens[k]! << 2) | this.ops[k]!
      handles[k] = this.handles[k]!
    }
    return {paths, codes, handles, bytes, parts, errors, spec, hints}
  }
}

/**
 * Whether read k of the log, whose bytes start at `offset`, equals the read that just found
 * `n` bytes (undefined: no file) in `files`.
 */
export function sameBytes(log: ReadLog, k: number, offset: number, n: number | undefined, files: OpenFiles): boolean {
  const len = lenAt(log, k)
  if (n === undefined) return len === ABSENT
  return len === n && files.sameAsRead(n, log.bytes, offset)
}

/** A line count from bytes of a read (cgroup.procs). */
export function linesOf(bytes: Buffer): number {
  return countLinesIn(bytes, bytes.length)
}
