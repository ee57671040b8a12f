import type {Manager} from '../manager/index.js'
import type {ContainerName} from '../model/index.js'
import {buildRows, type RowQuery, type StatsRow} from '../output/index.js'

/** How far collection has come when rows are emitted. */
export interface FeedProgress {
  /** Containers tracked. */
  total: number
  /** Of those, how many have fewer than two samples (no rates yet). */
  withoutRates: number
}

export interface StatsFeedOptions {
  manager: Manager
  intervalMs: number
  /** Read at each refresh: keys change the view between refreshes. */
  query: RowQuery | (() => RowQuery)
  /** Called with each refresh's rows and the refresh time. */
  onRows: (rows: StatsRow[], at: Date, progress: FeedProgress) => void
  /** One refresh, then done (`--once`, `--json`). */
  once?: boolean
  /**
   * The first refresh at once, before rates exist (a live table: something on the screen
   * straight away). Otherwise the first refresh waits until rows have rates.
   */
  immediate?: boolean
}

export interface StatsFeed {
  /** Resolves after the single refresh of `once`, or when stop() is called. */
  done: Promise<void>
  /** Emits now (a key changed the view, the terminal was resized); live feeds only. */
  refresh(): void
  stop(): void
}

/**
 * Refreshes rows every interval from the manager's store.
 *
 * With `immediate` (a live table) the first refresh is at once — rows without rates show
 * `--` and `progress` says how many are still collecting — then one per interval.
 *
 * Otherwise the first refresh comes when every container has two samples (so it has rates)
 * and at least one interval has passed; a container still missing its second sample after
 * two intervals shows without them. Readiness follows the manager's add, sample and delete
 * events: nothing polls. `once` stops after that refresh; a stream (NDJSON) goes on every
 * interval.
 */
export function startStatsFeed(o: StatsFeedOptions): StatsFeed {
  const {manager} = o
  let finish!: () => void
  const done = new Promise<void>((r) => (finish = r))
  let stopped = false
  let started = false
  let intervalPassed = false
  const timers: NodeJS.Timeout[] = []
  /** Containers with fewer than two samples: the one table of `once` waits for them. */
  const waiting = new Set<ContainerName>()

  const emit = (): void => {
    if (stopped) return
    let total = 0
    let withoutRates = 0
    for (const c of manager.containers()) {
      total++
      if (c.samples.length < 2) withoutRates++
    }
    const query = typeof o.query === 'function' ? o.query() : o.query
    o.onRows(buildRows(manager.containers(), query, manager.pending()), new Date(), {total, withoutRates})
  }
  const stop = (): void => {
    if (stopped) return
    stopped = true
    detach()
    for (const t of timers) clearTimeout(t)
    finish()
  }

  const begin = (): void => {
    if (started || stopped) return
    started = true
    detach()
    emit()
    if (o.once) stop()
    else timers.push(setInterval(emit, o.intervalMs))
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
  function detach(): void {
    manager.off('add', onAdd)
    manager.off('sample', onSample)
    manager.off('delete', onDelete)
  }

  if (o.immediate && !o.once) {
    started = true
    emit()
    timers.push(setInterval(emit, o.intervalMs))
  } else {
    for (const c of manager.containers()) if (c.samples.length < 2) waiting.add(c.name)
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
  }
  return {done, refresh: () => void (started && !o.once ? emit() : undefined), stop}
}
