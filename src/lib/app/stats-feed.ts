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
  /**
   * How soon after its first reading a container is read again (the housekeeping's
   * firstIntervalMs), so the first rates span this window, not a whole interval. Default: the
   * interval.
   */
  firstWindowMs?: number
  /**
   * How much of the first window is left when the feed starts: the containers the first scan
   * found were read while it went on, so their windows opened before the feed did. Default: the
   * whole first window.
   */
  firstWindowLeftMs?: number
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
 * The least a wait for readings lasts before the containers still without rates are shown
 * without them. A loaded host delays a 200 ms interval's reading by more than the interval (a
 * container published after --runtime-wait was read once, then not in time for its second),
 * while a cgroup that cannot be read at all costs the answer only this much.
 */
const STALL_FLOOR_MS = 2_000

/**
 * Refreshes rows every interval from the manager's store.
 *
 * With `immediate` (a live table) the first refresh is at once — rows without rates show
 * `--` and `progress` says how many are still collecting — then one as soon as every container
 * has rates, and one per interval from there.
 *
 * Otherwise the first refresh comes when every container has two samples (so it has rates)
 * and the first window has passed; when the containers still waiting got no sample for a
 * whole interval (at least STALL_FLOOR_MS), they show without them. Readiness follows the
 * manager's add, sample and delete events: nothing polls. `once` stops after that refresh; a
 * stream (NDJSON) goes on every interval.
 */
export function startStatsFeed(o: StatsFeedOptions): StatsFeed {
  const {manager} = o
  let finish!: () => void
  const done = new Promise<void>((r) => (finish = r))
  let stopped = false
  let started = false
  let windowPassed = false
  const firstWindowMs = Math.min(o.firstWindowMs ?? o.intervalMs, o.intervalMs)
  const windowLeftMs = Math.max(0, Math.min(o.firstWindowLeftMs ?? firstWindowMs, firstWindowMs))
  const live = o.immediate === true && !o.once
  const timers: NodeJS.Timeout[] = []
  let ticker: NodeJS.Timeout | undefined
  /** Containers with fewer than two samples: the first table with rates waits for them. */
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
  /** Refreshes now and every interval from now. */
  const tickFromNow = (): void => {
    clearInterval(ticker)
    emit()
    ticker = setInterval(emit, o.intervalMs)
  }
  const stop = (): void => {
    if (stopped) return
    stopped = true
    detach()
    for (const t of timers) clearTimeout(t)
    clearTimeout(stall)
    clearInterval(ticker)
    finish()
  }

  /** Every container has its rates (or the wait for them is over). */
  let isReady = false
  const ready = (): void => {
    if (stopped || isReady) return
    isReady = true
    detach()
    if (started) {
      // A live table: the frame with rates now, not at the next interval.
      tickFromNow()
      return
    }
    started = true
    if (o.once) {
      emit()
      stop()
    } else tickFromNow()
  }
  // The containers known when the first window passes are the ones waited for (a host that
  // keeps making containers would otherwise never have them all read twice), as long as their
  // readings progress: when none of them was read for a whole interval (at least the floor) past
  // its due time (a slow or loaded host reads on; a cgroup that cannot be read does not), the
  // rest shows without rates. After a first reading the next is due one first window later.
  const stallMs = Math.max(o.intervalMs, STALL_FLOOR_MS)
  let stall: NodeJS.Timeout | undefined
  const progress = (first = false): void => {
    if (!windowPassed) return
    clearTimeout(stall)
    if (waiting.size === 0) ready()
    else stall = setTimeout(() => (live ? detach() : ready()), stallMs + (first ? firstWindowMs : 0))
  }
  const onAdd = (c: {name: ContainerName; samples: {readonly length: number}}): void => {
    if (!windowPassed && c.samples.length < 2) waiting.add(c.name)
  }
  const onSample = (c: {name: ContainerName; samples: {readonly length: number}}): void => {
    if (!waiting.has(c.name)) return
    // A first reading is progress too: a loaded host may still be taking them.
    if (c.samples.length >= 2) waiting.delete(c.name)
    progress(c.samples.length < 2)
  }
  const onDelete = (name: ContainerName): void => {
    if (waiting.delete(name)) progress()
  }
  let attached = false
  function detach(): void {
    if (!attached) return
    attached = false
    manager.off('add', onAdd)
    manager.off('sample', onSample)
    manager.off('delete', onDelete)
  }

  if (live) {
    started = true
    tickFromNow()
  }
  for (const c of manager.containers()) if (c.samples.length < 2) waiting.add(c.name)
  attached = true
  manager.on('add', onAdd)
  manager.on('sample', onSample)
  manager.on('delete', onDelete)
  timers.push(
    setTimeout(() => {
      windowPassed = true
      progress()
    }, windowLeftMs),
  )
  return {done, refresh: () => void (started && !o.once ? emit() : undefined), stop}
}
