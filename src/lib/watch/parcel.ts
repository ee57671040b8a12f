import type {AsyncSubscription, Event as ParcelEvent} from '@parcel/watcher'

import {parentName, type Hierarchy} from '../cgroups/index.js'
import type {MarkDirty, WatchBackend} from './backend.js'

/**
 * @parcel/watcher, opt-in (`--watch-backend parcel`). One subscription per hierarchy, always
 * with `backend: 'inotify'` (without it parcel tries watchman first). Its events only mark the
 * parent directory dirty, so the tree's re-read repairs what parcel merges or drops.
 *
 * Gaps that remain, measured (docs/ARCHITECTURE.md, "Facts") and covered only by the periodic rescan:
 * - a directory created right after its parent (`mkdir -p`) gets no parcel watch, so changes
 *   inside it are unseen until the next rescan (the tree still reports the directory itself);
 * - parcel never removes the kernel watch of a deleted directory; we resubscribe before each
 *   rescan to give those watches back;
 * - events are batched with a 50–500 ms debounce, so latency is that much higher;
 * - queue overflow is dropped silently, like libuv.
 */
export async function parcelBackend(warn: (message: string) => void): Promise<WatchBackend> {
  let parcel: typeof import('@parcel/watcher')
  try {
    parcel = await import('@parcel/watcher')
  } catch (err) {
    throw Object.assign(new Error(`--watch-backend parcel: @parcel/watcher cannot be loaded (${(err as Error).message})`), {exitCode: 2})
  }
  const subs = new Map<string, {h: Hierarchy; mark: MarkDirty; sub: AsyncSubscription | undefined}>()

  /**
   * Parcel's start-up crawl fails as a whole when any directory vanishes under it ("No such
   * file or directory" from inotify_add_watch), which on a busy host is normal life: retry.
   */
  async function subscribe(h: Hierarchy, mark: MarkDirty): Promise<AsyncSubscription> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await subscribeOnce(h, mark)
      } catch (err) {
        if (attempt >= 10 || !/No such file or directory|ENOENT/.test((err as Error).message)) throw err
        await new Promise((r) => setTimeout(r, 10 * attempt))
      }
    }
  }

  function subscribeOnce(h: Hierarchy, mark: MarkDirty): Promise<AsyncSubscription> {
    const root = h.mountPoint
    return parcel.subscribe(
      root,
      (err: Error | null, events: ParcelEvent[]) => {
        if (err) warn(`@parcel/watcher on ${h.id}: ${err.message}; relying on rescans`)
        for (const ev of events ?? []) {
          if (!ev.path.startsWith(`${root}/`)) continue
          const name = ev.path.slice(root.length)
          const parent = parentName(name)
          if (parent !== undefined) mark(parent, name.slice(name.lastIndexOf('/') + 1))
        }
      },
      {backend: 'inotify'},
    )
  }

  return {
    name: 'parcel',
    async attach(h, mark) {
      subs.set(h.id, {h, mark, sub: await subscribe(h, mark)})
    },
    watchDir: () => 'covered',
    async beforeRescan() {
      // Parcel shares one native watcher per root among subscriptions, so the old one must
      // go first for its leaked watches to be freed. The rescan that follows re-reads every
      // directory, which covers the moment without a subscription.
      for (const s of subs.values()) {
        try {
          if (s.sub) await s.sub.unsubscribe()
          s.sub = undefined
          s.sub = await subscribe(s.h, s.mark)
        } catch (err) {
          // The rescans keep finding changes meanwhile; the next one subscribes again.
          warn(`@parcel/watcher cannot resubscribe to ${s.h.id} (${(err as Error).message}); relying on rescans until it can`)
        }
      }
    },
    async stop() {
      const all = [...subs.values()]
      subs.clear()
      await Promise.all(all.map((s) => s.sub?.unsubscribe()))
    },
  }
}
