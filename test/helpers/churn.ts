/*
 * Other people's cgroups coming and going: a child process that creates and removes cgroups
 * at a steady rate under a parent of its own (`cadvtc-<pid>-<random>`), in every hierarchy
 * given, the way a busy shared host looks to cadv. It runs in a process group of its own, so
 * stop() ends it and nothing it started outlives the test, then removes its whole tree.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import type {Hierarchy} from '../../src/lib/cgroups/index.js'
import {removeTree} from './cgroups.js'
import {killGroup} from './processes.js'

export interface ChurnOptions {
  /** Cgroups created (and as many removed) per second, per hierarchy. */
  rate: number
  hierarchies: readonly Hierarchy[]
  /** How long each cgroup lives; 0 = removed in the tick after it was made. */
  lifetimeMs?: number
  label?: string
}

// The loop, as a script for `node -e`: every 10 ms it makes its share of the rate, removes what
// is older than the lifetime, and once a second prints how many it made so far.
const SCRIPT = `
const fs = require('node:fs')
const {parents, rate, lifetimeMs} = JSON.parse(process.env.CHURN)
for (const p of parents) fs.mkdirSync(p, {recursive: true})
const live = []
let made = 0, owed = 0, last = Date.now()
setInterval(() => {
  const now = Date.now()
  owed += ((now - last) / 1000) * rate
  last = now
  for (; owed >= 1; owed--, made++) {
    const name = 'c' + made
    for (const p of parents) { try { fs.mkdirSync(p + '/' + name) } catch {} }
    live.push({name, at: now})
  }
  while (live.length > 0 && now - live[0].at >= lifetimeMs) {
    const {name} = live.shift()
    for (const p of parents) { try { fs.rmdirSync(p + '/' + name) } catch {} }
  }
}, 10)
setInterval(() => process.stdout.write(made + '\\n'), 1000)
`

export class Churn {
  /** The parent, as a container name. */
  readonly root: string
  private child: ChildProcess | undefined
  private made = 0

  constructor(private readonly o: ChurnOptions) {
    this.root = `/${o.label ?? 'cadvtc'}-${process.pid}-${randomBytes(3).toString('hex')}`
  }

  /** Cgroups made so far (per hierarchy), as the child last said. */
  get created(): number {
    return this.made
  }

  start(): this {
    const parents = this.o.hierarchies.map((h) => join(h.mountPoint, this.root))
    const env = {...process.env, CHURN: JSON.stringify({parents, rate: this.o.rate, lifetimeMs: this.o.lifetimeMs ?? 0})}
    this.child = spawn(process.execPath, ['-e', SCRIPT], {env, stdio: ['ignore', 'pipe', 'ignore'], detached: true})
    this.child.stdout!.on('data', (d: Buffer) => {
      const last = d.toString().trim().split('\n').at(-1)
      if (last) this.made = Number(last)
    })
    return this
  }

  /** Ends the churn (its process group) and removes its tree, deepest first. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.child) await killGroup(this.child)
    this.child = undefined
    for (const h of this.o.hierarchies) removeTree(join(h.mountPoint, this.root))
  }
}
