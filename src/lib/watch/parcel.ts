import type {AsyncSubscription, Event as ParcelEvent} from '@parcel/watcher'

import {isUnder, parentName, type ContainerName, type Hierarchy} from '../cgroups/index.js'
import type {DirWatch, MarkDirty, MarkUnder, WatchBackend} from './backend.js'
import {goneText} from './gone.js'
import {inotifyBackend} from './inotify.js'

/** First wait before subscribing again after a failure; it doubles up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 250
const RETRY_MAX_MS = 10_000
/** Longest stop() waits for parcel's unsubscribes. */
const STOP_WAIT_MS = 2000
/** Failed crawls in a row before saying that churn keeps parcel from subscribing. */
const QUIET_FAILURES = 10

export interface ParcelOptions {
  /** The watcher's --prefix values: each is a subscription of its own. */
  prefixes: readonly ContainerName[]
  /** How often a subtree without a subscription is re-read (the watcher's poll interval). */
  pollIntervalMs: number
  /** Says something once per key. */
  warn: (key: string, message: string) => void
}

/** One recursive parcel subscription and what keeps it alive. */
interface Sub {
  h: Hierarchy
  name: ContainerName
  dir: string
  mark: MarkDirty
  markUnder: MarkUnder
  sub: AsyncSubscription | undefined
  closed: boolean
  failures: number
  retry: NodeJS.Timeout | undefined
  poll: NodeJS.Timeout | undefined
}

/**
 * @parcel/watcher, opt-in (`--watch-backend parcel`). One recursive subscription per --prefix
 * (the whole hierarchy without one), always with `backend: 'inotify'` (without it parcel tries
 * watchman first); the few directories above a prefix get a plain inotify watch. Events only
 * mark the parent directory dirty, so the tree's re-read repairs what parcel merges or drops.
 *
 * Parcel's subscribe crawls its whole subtree first and fails as a whole when any directory
 * vanishes under the crawl, and it drops a subscription whose watch fails later. On a busy host
 * that is normal life: a subtree without a subscription is re-read every poll interval while
 * subscribing is retried (250 ms doubling to 10 s), so nothing is lost and nothing exits.
 * Rooting subscriptions at the prefixes keeps churn elsewhere on the host out of the crawl.
 *
 * Gaps that remain, measured (docs/ARCHITECTURE.md, "Facts") and covered only by the periodic rescan:
 * - a directory created right after its parent (`mkdir -p`) gets no parcel watch, so changes
 *   inside it are unseen until the next rescan (the tree still reports the directory itself);
 * - parcel never removes the kernel watch of a deleted directory; we resubscribe before each
 *   rescan to give those watches back;
 * - events are batched with a 50–500 ms debounce, so latency is that much higher;
 * - queue overflow is dropped silently, like libuv.
 */
export async function parcelBackend(o: ParcelOptions): Promise<WatchBackend> {
  let parcel: typeof import('@parcel/watcher')
  try {
    parcel = await import('@parcel/watcher')
  } catch (err) {
    throw Object.assign(new Error(`--watch-backend parcel: @parcel/watcher cannot be loaded (${(err as Error).message})`), {exitCode: 2})
  }
  // Nested prefixes share the outer one's subscription.
  const roots = o.prefixes.length === 0 ? ['/'] : o.prefixes.filter((p) => !o.prefixes.some((q) => q !== p && isUnder(p, q)))
  const plain = inotifyBackend()
  const markers = new Map<string, {mark: MarkDirty; markUnder: MarkUnder}>()
  const subs = new Set<Sub>()
  /** First subscribe attempts not yet done (ready() waits for them). */
  const first = new Set<Promise<void>>()
  let stopped = false

  const onEvents = (s: Sub, err: Error | null, events: ParcelEvent[]): void => {
    if (s.closed) return
    if (err) {
      // Parcel drops the subscription after an error; poll and subscribe again.
      if (!goneText(err.message))
        o.warn(`parcel:event:${err.message}`, `@parcel/watcher on ${s.h.id} ${s.name}: ${err.message}; subscribing again`)
      s.sub = undefined
      failed(s)
    }
    const root = s.h.mountPoint
    for (const ev of events ?? []) {
      if (!ev.path.startsWith(`${root}/`)) continue
      const name = ev.path.slice(root.length)
      const parent = parentName(name)
      if (parent !== undefined) s.mark(parent, name.slice(name.lastIndexOf('/') + 1))
    }
  }

  const establish = async (s: Sub): Promise<void> => {
    s.retry = undefined
    if (s.closed) return
    try {
      const sub = await parcel.subscribe(s.dir, (err, events) => onEvents(s, err, events), {backend: 'inotify'})
      if (s.closed) {
        await sub.unsubscribe().catch(() => undefined)
        return
      }
      s.sub = sub
      s.failures = 0
      clearInterval(s.poll)
      s.poll = undefined
      // What changed before the subscription existed is found by re-reading the subtree.
      s.markUnder(s.name)
    } catch (err) {
      if (s.closed) return
      const message = (err as Error).message
      if (!goneText(message)) {
        o.warn(
          `parcel:subscribe:${message}`,
          `@parcel/watcher cannot subscribe to ${s.h.id} ${s.name} (${message}); re-reading it every ${o.pollIntervalMs} ms until it can`,
        )
      } else if (s.failures + 1 === QUIET_FAILURES) {
        o.warn(
          'parcel:churn',
          `@parcel/watcher could not finish its crawl of ${s.h.id} ${s.name} ${QUIET_FAILURES} times in a row (cgroups vanish under it); ` +
            `re-reading it every ${o.pollIntervalMs} ms until it can (--prefix narrows the crawl)`,
        )
      }
      failed(s)
    }
  }

  /** No subscription: re-read the subtree now and every poll interval, and try again later. */
  const failed = (s: Sub): void => {
    if (s.closed || s.retry) return
    s.failures++
    s.markUnder(s.name)
    s.poll ??= setInterval(() => s.markUnder(s.name), o.pollIntervalMs)
    s.retry = setTimeout(() => void establish(s), Math.min(RETRY_FIRST_MS * 2 ** (s.failures - 1), RETRY_MAX_MS))
  }

  const close = (s: Sub): void => {
    s.closed = true
    subs.delete(s)
    clearTimeout(s.retry)
    clearInterval(s.poll)
    const sub = s.sub
    s.sub = undefined
    // The directory may be gone already: parcel's own cleanup of it is not ours to report.
    void sub?.unsubscribe().catch(() => undefined)
  }

  return {
    name: 'parcel',
    async attach(h, mark, markUnder) {
      markers.set(h.id, {mark, markUnder})
      await plain.attach(h, mark, markUnder)
    },
    watchDir(h, name, dir) {
      if (roots.includes(name)) {
        const m = markers.get(h.id)!
        const s: Sub = {h, name, dir, ...m, sub: undefined, closed: stopped, failures: 0, retry: undefined, poll: undefined}
        if (!stopped) {
          subs.add(s)
          const attempt = establish(s)
          first.add(attempt)
          void attempt.finally(() => first.delete(attempt))
        }
        const w: DirWatch = {close: () => close(s)}
        return w
      }
      if (roots.some((r) => isUnder(name, r))) return 'covered'
      // On the way to a prefix: a plain watch tells when the prefix appears or goes.
      return plain.watchDir(h, name, dir)
    },
    async ready() {
      // Until parcel's subscribe has crawled the subtree, a directory made in it may never get
      // a parcel watch (its children would then wait for the rescan): start() waits for it.
      await Promise.all([...first])
    },
    async beforeRescan() {
      // Parcel shares one native watcher per directory among subscriptions, so the old one
      // must go first for its leaked watches to be freed. The rescan that follows re-reads
      // every directory, which covers the moment without a subscription.
      for (const s of [...subs]) {
        if (!s.sub || s.closed) continue
        const old = s.sub
        s.sub = undefined
        await old.unsubscribe().catch(() => undefined)
        await establish(s)
      }
    },
    async stop() {
      stopped = true
      const all = [...subs]
      for (const s of all) {
        s.closed = true
        clearTimeout(s.retry)
        clearInterval(s.poll)
      }
      subs.clear()
      // Bounded: an unsubscribe that never settles (parcel's native side stuck) must not keep a
      // stopping cadv alive; the process's end frees whatever parcel still holds.
      let timer: NodeJS.Timeout | undefined
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS).unref()))
      await Promise.race([Promise.all(all.map((s) => s.sub?.unsubscribe().catch(() => undefined))), bound])
      clearTimeout(timer)
      await plain.stop()
    },
  }
}
