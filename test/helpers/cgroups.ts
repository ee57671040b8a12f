/*
 * Real cgroups for tests. Everything is created under one parent whose name is unique to the
 * test process (`cadvt-<pid>-<random>`), in every writable v1 hierarchy and the v2 tree, and
 * removed in cleanup(): processes are killed first, then directories deepest first.
 * Nothing outside that parent is ever touched.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {randomBytes} from 'node:crypto'

import {discoverCgroups, type CgroupLayout, type Hierarchy} from '../../src/lib/cgroups/index.js'

/** Why real-cgroup tests cannot run here, or undefined when they can. */
export function realCgroupSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create cgroups (CI runs as root)'
  let layout: CgroupLayout
  try {
    layout = discoverCgroups()
  } catch (err) {
    return `no cgroupfs: ${(err as Error).message}`
  }
  const h = layout.hierarchies.find((x) => x.controllers.length > 0) ?? layout.hierarchies[0]!
  try {
    accessSync(h.mountPoint, constants.W_OK)
  } catch {
    return `cgroupfs at ${h.mountPoint} is not writable`
  }
  return undefined
}

/** Every TestCgroups not cleaned up yet: a test process that ends early still removes them. */
const live = new Set<TestCgroups>()
process.on('exit', () => {
  for (const t of live) t.cleanupNow()
})
// 'exit' does not run when a signal ends the process (a `timeout`, Ctrl-C, a runner cancelling
// a file): remove the trees first, then die of the signal as before, unless another handler
// (a benchmark's own cleanup) has taken the signal over and will end the process itself.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    for (const t of live) t.cleanupNow()
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig)
  })
}

export class TestCgroups {
  readonly layout: CgroupLayout
  /** The unique parent, as a container name (`/cadvt-1234-ab12cd`). */
  readonly root: string
  private readonly children = new Set<ChildProcess>()

  constructor(label = 'cadvt') {
    this.layout = discoverCgroups()
    this.root = `/${label}-${process.pid}-${randomBytes(3).toString('hex')}`
    live.add(this)
  }

  /** Hierarchies we create in: every v1 hierarchy with controllers, named ones, and v2. */
  get hierarchies(): Hierarchy[] {
    return this.layout.hierarchies
  }

  hierarchy(idOrController: string): Hierarchy {
    const h = this.layout.hierarchies.find((x) => x.id === idOrController || x.controllers.includes(idOrController))
    if (!h) throw new Error(`no hierarchy ${idOrController}`)
    return h
  }

  /** Absolute directory of a name relative to our root (`a/b` → `<mount>/<root>/a/b`). */
  dir(h: Hierarchy, rel = ''): string {
    return join(h.mountPoint, this.root, rel)
  }

  /** Container name of a path relative to our root. */
  name(rel = ''): string {
    return rel ? `${this.root}/${rel}` : this.root
  }

  /** mkdir -p in the given hierarchies (default: all). */
  mkdir(rel = '', hierarchies: Hierarchy[] = this.hierarchies): void {
    for (const h of hierarchies) mkdirSync(this.dir(h, rel), {recursive: true})
  }

  /** rmdir of one cgroup (no recursion) in the given hierarchies (default: all that have it). */
  rmdir(rel: string, hierarchies: Hierarchy[] = this.hierarchies): void {
    for (const h of hierarchies) if (existsSync(this.dir(h, rel))) rmdirSync(this.dir(h, rel))
  }

  /** Removes a subtree deepest first in every hierarchy. */
  rmtree(rel: string, hierarchies: Hierarchy[] = this.hierarchies): void {
    for (const h of hierarchies) removeTree(this.dir(h, rel))
  }

  write(h: Hierarchy, rel: string, file: string, value: string): void {
    writeFileSync(join(this.dir(h, rel), file), value)
  }

  read(h: Hierarchy, rel: string, file: string): string {
    return readFileSync(join(this.dir(h, rel), file), 'utf8')
  }

  /**
   * Starts `command` inside cgroup `rel` in every hierarchy that has it: a shell moves itself
   * in, then execs the command, so the process never runs outside the cgroup.
   */
  spawnIn(rel: string, command: string, args: string[] = []): ChildProcess {
    const files = this.hierarchies.filter((h) => existsSync(this.dir(h, rel))).map((h) => join(this.dir(h, rel), 'cgroup.procs'))
    const script = `for f in ${files.map((f) => `'${f}'`).join(' ')}; do echo $$ > "$f"; done; exec "$@"`
    const child = spawn('sh', ['-c', script, 'sh', command, ...args], {stdio: 'ignore'})
    this.children.add(child)
    child.on('exit', () => this.children.delete(child))
    return child
  }

  /**
   * cleanup() for a process that is exiting (a test file that timed out, or ended before its
   * `finally`): synchronous, best effort, a second at most.
   */
  cleanupNow(): void {
    for (const child of this.children) child.kill('SIGKILL')
    for (const h of this.hierarchies) killProcsUnder(this.dir(h))
    const until = Date.now() + 1000
    for (;;) {
      if (this.removeAll() === 0 || Date.now() > until) break
      // The killed processes take a moment to leave their cgroups.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
    }
    live.delete(this)
  }

  /** Kills what we started, then removes our whole tree deepest first. Safe to call twice. */
  async cleanup(): Promise<void> {
    live.delete(this)
    for (const child of this.children) child.kill('SIGKILL')
    await Promise.all(
      [...this.children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))),
    )
    for (const h of this.hierarchies) killProcsUnder(this.dir(h))
    for (let attempt = 0; attempt < 50; attempt++) {
      if (this.removeAll() === 0) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`could not remove test cgroups ${this.root}`)
  }

  /** One pass of removing our tree in every hierarchy; how many hierarchies still hold some of it. */
  private removeAll(): number {
    let left = 0
    for (const h of this.hierarchies) {
      try {
        removeTree(this.dir(h))
      } catch {
        left++
      }
    }
    return left
  }
}

function killProcsUnder(dir: string): void {
  if (!existsSync(dir)) return
  for (const e of readdirSync(dir, {withFileTypes: true})) if (e.isDirectory()) killProcsUnder(join(dir, e.name))
  let procs = ''
  try {
    procs = readFileSync(join(dir, 'cgroup.procs'), 'utf8')
  } catch {
    return
  }
  for (const pid of procs.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

/** rmdir a cgroup subtree deepest first; cgroupfs refuses recursive rm of control files. */
export function removeTree(dir: string): void {
  if (!existsSync(dir)) return
  for (const e of readdirSync(dir, {withFileTypes: true})) if (e.isDirectory()) removeTree(join(dir, e.name))
  try {
    rmdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}
