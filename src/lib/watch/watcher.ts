import {EventEmitter} from 'node:events'

import {nameDepth, type ContainerName, type Hierarchy} from '../cgroups/index.js'
import {scanHierarchies, type ScanResult} from './scan.js'
import {makeEvent, type ContainerEvent, type WatchBackendName} from './types.js'

export interface WatcherOptions {
  hierarchies: Hierarchy[]
  backend?: WatchBackendName
  /** Only containers at or under these names. */
  prefixes?: ContainerName[]
  /** Full rescan that repairs what events missed (cAdvisor: 1 min). */
  rescanIntervalMs?: number
  /** How often the poll backend rescans. */
  pollIntervalMs?: number
  /** Human-readable notes (fallbacks, limits); the command decides where they go. */
  onWarning?: (message: string) => void
}

export interface WatcherEvents {
  event: [ContainerEvent]
}

/**
 * Finds containers and reports each add and delete once, across every watched hierarchy.
 * `start()` emits the existing containers as initial adds before it resolves.
 */
export class Watcher extends EventEmitter<WatcherEvents> {
  protected readonly known: ScanResult = new Map()
  private timer: NodeJS.Timeout | undefined

  constructor(protected readonly options: WatcherOptions) {
    super()
  }

  get names(): ReadonlySet<ContainerName> {
    return new Set(this.known.keys())
  }

  async start(): Promise<void> {
    this.reconcile(true)
    const interval = this.options.pollIntervalMs ?? 1000
    this.timer = setInterval(() => this.reconcile(false), interval)
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** Rescans every hierarchy and emits what changed: adds parent first, deletes deepest first. */
  reconcile(initial: boolean): void {
    const now = scanHierarchies(this.options.hierarchies, this.options.prefixes ?? [])
    const added = [...now.keys()].filter((n) => !this.known.has(n)).sort((a, b) => nameDepth(a) - nameDepth(b) || (a < b ? -1 : 1))
    const removed = [...this.known.keys()].filter((n) => !now.has(n)).sort((a, b) => nameDepth(b) - nameDepth(a))
    for (const name of removed) {
      this.known.delete(name)
      this.emit('event', makeEvent('ContainerDelete', name, false))
    }
    for (const name of added) {
      this.known.set(name, now.get(name)!)
      this.emit('event', makeEvent('ContainerAdd', name, initial))
    }
    for (const [name, set] of now) this.known.set(name, set)
  }
}

export function createWatcher(options: WatcherOptions): Watcher {
  return new Watcher(options)
}
