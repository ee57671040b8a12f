import type {Manager} from '../manager.js'
import {buildRows, type RowQuery, type StatsRow} from './rows.js'

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
 * Refreshes rows every interval from the manager's store. The first refresh waits until every
 * container has two samples (one interval after discovery), so it already has rates; a
 * container still missing its second sample after two intervals shows without them.
 */
export function startStatsFeed(o: StatsFeedOptions): StatsFeed {
  let timer: NodeJS.Timeout | undefined
  let finish!: () => void
  const done = new Promise<void>((r) => (finish = r))
  let stopped = false
  const began = Date.now()
  const emit = (): void => o.onRows(buildRows(o.manager.containers(), o.query), new Date())
  const ready = (): boolean => {
    if (Date.now() - began >= 2 * o.intervalMs) return true
    if (Date.now() - began < o.intervalMs) return false
    for (const c of o.manager.containers()) if (c.samples.length < 2) return false
    return true
  }
  const waitFirst = (): void => {
    if (stopped) return
    if (!ready()) {
      timer = setTimeout(waitFirst, Math.min(25, o.intervalMs / 4))
      return
    }
    emit()
    if (o.once) {
      stop()
      return
    }
    timer = setInterval(emit, o.intervalMs)
  }
  const stop = (): void => {
    if (stopped) return
    stopped = true
    if (timer) clearTimeout(timer)
    finish()
  }
  timer = setTimeout(waitFirst, Math.min(25, o.intervalMs / 4))
  return {done, stop}
}
