import {lstat, opendir, stat, statfs} from 'node:fs/promises'

/*
 * Disk usage of directories (containers' writable layers), measured by walking them in the
 * background the way cAdvisor runs `du` periodically, but in-process and bounded: each set of
 * directories is walked at most once per interval, at most `concurrency` walks run at a time
 * in the whole process, and a walk is a chain of asynchronous directory reads and lstat calls
 * (libuv's thread pool does the system calls), so housekeeping never waits on a walk and a
 * thousand containers never stall it. Housekeeping reads the last result, which is as old as
 * the interval at most.
 */

export interface DiskUsageOptions {
  /** How often each container's directories are walked (cAdvisor: 1 min). */
  intervalMs: number
  /** Walks running at once, process-wide (cAdvisor: 20; each holds a libuv thread while it waits). */
  concurrency: number
}

export const DEFAULT_DISK_USAGE: DiskUsageOptions = {intervalMs: 60_000, concurrency: 2}

/** After a failed walk the next waits longer, doubling up to this many intervals (as cAdvisor). */
const MAX_BACKOFF = 20

/** The result of one walk. */
export interface DirUsage {
  /** Bytes allocated to the files (st_blocks × 512, hard links counted once). */
  bytes: number
  /** Files, directories and links. */
  inodes: number
  /** The filesystem holding the first directory. */
  dev: number
  fsBlocks: number
  fsBytes: number
  fsAvailableBytes: number
  fsInodes: number
  fsInodesFree: number
  /** When the walk finished, ms since the epoch. */
  atMs: number
}

interface Entry {
  dirs: readonly string[]
  result?: DirUsage
  dueMs: number
  failures: number
  running: boolean
  /** Set while a walk runs for dirs that changed since it started. */
  stale?: boolean
}

/** What the disk reader needs: register a container's directories and read the last result. */
export interface DiskUsageSource {
  track(key: string, dirs: readonly string[]): void
  untrack(key: string): void
  get(key: string): DirUsage | undefined
}

export class DiskUsage implements DiskUsageSource {
  private readonly entries = new Map<string, Entry>()
  private runningWalks = 0
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  /** Most walks ever in flight at once (for tests and the benchmark). */
  peakConcurrency = 0
  walks = 0

  constructor(
    readonly options: DiskUsageOptions = DEFAULT_DISK_USAGE,
    /** A walk gave a different result for `key` (the manager then reads that container soon). */
    private readonly onResult?: (key: string) => void,
  ) {}

  track(key: string, dirs: readonly string[]): void {
    const e = this.entries.get(key)
    if (e && sameDirs(e.dirs, dirs)) return
    if (e) {
      e.dirs = dirs
      e.result = undefined
      e.dueMs = Date.now()
      if (e.running) e.stale = true
    } else {
      this.entries.set(key, {dirs, dueMs: Date.now(), failures: 0, running: false})
    }
    this.pump()
  }

  untrack(key: string): void {
    this.entries.delete(key)
  }

  get(key: string): DirUsage | undefined {
    return this.entries.get(key)?.result
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  /** Starts the walks that are due, up to the concurrency bound; sleeps until the next one is. */
  private pump(): void {
    if (this.stopped) return
    clearTimeout(this.timer)
    this.timer = undefined
    const now = Date.now()
    let next = Number.POSITIVE_INFINITY
    for (const [key, e] of this.entries) {
      if (e.running) continue
      if (e.dueMs > now) {
        next = Math.min(next, e.dueMs)
        continue
      }
      if (this.runningWalks >= this.options.concurrency) return
      this.start(key, e)
    }
    if (next !== Number.POSITIVE_INFINITY) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - now))
      this.timer.unref()
    }
  }

  private start(key: string, e: Entry): void {
    e.running = true
    this.runningWalks++
    this.walks++
    this.peakConcurrency = Math.max(this.peakConcurrency, this.runningWalks)
    const dirs = e.dirs
    walkDirs(dirs).then(
      (result) => {
        const changed = !e.stale && this.entries.get(key) === e && !sameUsage(e.result, result)
        if (!e.stale && this.entries.get(key) === e) e.result = result
        e.failures = 0
        this.finish(e)
        if (changed) this.onResult?.(key)
      },
      () => {
        e.failures++
        this.finish(e)
      },
    )
  }

  private finish(e: Entry): void {
    this.runningWalks--
    e.running = false
    const backoff = Math.min(MAX_BACKOFF, 2 ** e.failures)
    if (e.stale) {
      e.stale = false
      e.dueMs = Date.now()
    } else {
      // Spread over a tenth of the interval, so walks started together drift apart.
      e.dueMs = Date.now() + this.options.intervalMs * backoff * (1 + Math.random() / 10)
    }
    this.pump()
  }
}

function sameUsage(a: DirUsage | undefined, b: DirUsage): boolean {
  return (
    a !== undefined &&
    a.bytes === b.bytes &&
    a.inodes === b.inodes &&
    a.fsAvailableBytes === b.fsAvailableBytes &&
    a.fsInodesFree === b.fsInodesFree &&
    a.fsBytes === b.fsBytes
  )
}

function sameDirs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

/** Walks the directories (depth first, links not followed) and reads the first one's filesystem. */
export async function walkDirs(dirs: readonly string[]): Promise<DirUsage> {
  const first = dirs[0]
  if (first === undefined) throw new Error('no directory to walk')
  const [top, fs] = await Promise.all([stat(first), statfs(first)])
  let bytes = 0
  let inodes = 0
  const linked = new Set<string>()
  const count = (st: {blocks: number; nlink: number; dev: number; ino: number; isDirectory(): boolean}): void => {
    if (st.nlink > 1 && !st.isDirectory()) {
      const id = `${st.dev}:${st.ino}`
      if (linked.has(id)) return
      linked.add(id)
    }
    bytes += st.blocks * 512
    inodes++
  }
  for (const root of dirs) {
    let st
    try {
      st = await lstat(root)
    } catch (err) {
      // A log directory may not exist yet; the writable layer itself must.
      if (root !== first && (err as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw err
    }
    count(st)
    if (!st.isDirectory()) continue
    const stack = [root]
    while (stack.length > 0) {
      const dir = stack.pop()!
      let handle
      try {
        handle = await opendir(dir, {bufferSize: 256})
      } catch (err) {
        // Removed while we walked (a container deleting its files): not an error.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      for await (const d of handle) {
        const path = `${dir}/${d.name}`
        let s
        try {
          s = await lstat(path)
        } catch {
          continue
        }
        count(s)
        if (s.isDirectory()) stack.push(path)
      }
    }
  }
  return {
    bytes,
    inodes,
    dev: top.dev,
    fsBlocks: fs.blocks,
    fsBytes: fs.blocks * fs.bsize,
    fsAvailableBytes: fs.bavail * fs.bsize,
    fsInodes: fs.files,
    fsInodesFree: fs.ffree,
    atMs: Date.now(),
  }
}
