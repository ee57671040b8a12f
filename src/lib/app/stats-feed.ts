import type {Manager} from '../manager/index.js'
import type {ContainerName} from '../model/index.js'
import {buildRows, type RowQuery, type StatsRow} from '../output/index.js'

export interface StatsFeedOptions {
  manager: Manager
  intervalMs: number
  query: RowQuery
  /** Called with each refresh's rows and the refresh time. */
  onRows: (rows: StatsRow[], at: Date) => void
  /** One refresh, then done (`--once`, `--json`). */
  once?: boolean
}

export interface StatsFeed {
  /** Resolves after the single refresh of `once`, or when stop() is called. */
  done: Promise<void>
  stop(): void
}

/**
 * Refreshes rows every interval from the manager's store. The first refresh comes once every
 * container has two samples (so it already has rates) and at least one interval has passed;
 * a container still missing its second sample after two intervals shows without them.
 * Readiness follows the manager's add, sample and delete events: nothing polls.
 */
export function startStatsFeed(o: StatsFeedOptions): StatsFeed {
  const {manager} = o
  let finish!: () => void
  const done = new Promise<void>((r) => (finish = r))
  let stopped = false
  let started = false
  let intervalPassed = false
  const timers: NodeJS.Timeout[] = []
  /** Containers with fewer than two samples: the first table waits for them. */
  const waiting = new Set<ContainerName>()
  for (const c of manager.containers()) if (c.samples.length < 2) waiting.add(c.name)

  const emit = (): void => o.onRows(buildRows(manager.containers(), o.query), new Date())
  const begin = (): void => {
    if (started || stopped) return
    started = true
    detach()
    emit()
    if (o.once) {
      stop()
      return
    }
    timers.push(setInterval(emit, o.intervalMs))
  }
  const onAdd = (c: {name: ContainerName; samples: readonly unknown[]}): void => {
    if (c.samples.length < 2) waiting.add(c.name)
  }
  const onSample = (c: {name: ContainerName; samples: readonly unknown[]}): void => {
    if (c.samples.length >= 2 && waiting.delete(c.name) && intervalPassed && waiting.size === 0) begin()
  }
  const onDelete = (name: ContainerName): void => {
    if (waiting.delete(name) && intervalPassed && waiting.size === 0) begin()
  }
  const detach = (): void => {
    manager.off('add', onAdd)
    manager.off('sample', onSample)
    manager.off('delete', onDelete)
  }
  manager.on('add', onAdd)
  manager.on('sample', onSample)
  manager.on('delete', onDelete)
  timers.push(
    setTimeout(() => {
      intervalPassed = true
      if (waiting.size === 0) begin()
    }, o.intervalMs),
    setTimeout(begin, 2 * o.intervalMs),
  )

  const stop = (): void => {
    if (stopped) return
    stopped = true
    detach()
    for (const t of timers) clearTimeout(t)
    finish()
  }
  return {done, stop}
}
