/*
 * `cadv serve`'s events and REST API: the event store within the --event-storage-* limits,
 * fed by the manager (containerCreation, containerDeletion) and the OOM monitor (oom, oomKill
 * from the kernel log, or the cgroup counters when the log cannot be read, said once), and
 * what cAdvisor's API needs besides the manager (layout, machine source, read-now).
 */
import type {CgroupLayout} from '../cgroups/index.js'
import {creationTimeMs, EventStore, followContainers, OomMonitor, parseEventLimits} from '../events/index.js'
import type {Manager} from '../manager/index.js'
import {MachineSource, type ServeSetup} from '../metrics/index.js'
import type {AppContext} from './context.js'

export interface EventsFlagValues {
  'event-storage-age-limit': string
  'event-storage-event-limit': string
  'update-machine-info-interval': number
  'proc-root': string
}

export interface ServeEvents {
  store: EventStore
  /** For startServe: cAdvisor's API over this store. */
  api: NonNullable<ServeSetup['cadvisorApi']>
  /** Starts following the manager and the kernel log (before the manager starts, so no add is missed). */
  start(): void
  stop(): void
}

/** Checks the limits (bad input: one line, exit 2) and builds the store; nothing runs until start(). */
export function serveEvents(flags: EventsFlagValues, layout: CgroupLayout, manager: Manager, ctx: AppContext): ServeEvents {
  const store = new EventStore(parseEventLimits(flags['event-storage-age-limit'], flags['event-storage-event-limit']))
  const names = function* (): Iterable<string> {
    for (const c of manager.containers()) yield c.name
  }
  const oom = new OomMonitor({layout, names, onEvent: (e) => store.add(e), onWarning: (m) => ctx.warn(m)})
  let unfollow: (() => void) | undefined
  return {
    store,
    api: {
      layout,
      events: store,
      machine: new MachineSource(flags['update-machine-info-interval'], flags['proc-root']),
      housekeepNow: (name) => void manager.housekeepNow(name),
    },
    start() {
      unfollow = followContainers(manager, (e) => {
        store.add(e)
        // A cgroup made since start is new to the OOM counters (firstSeenMs alone says nothing).
        const c = e.type === 'containerCreation' ? manager.get(e.name) : undefined
        if (c) oom.added(c.name, c.info?.createdAt !== undefined || c.cgroupCreatedMs !== undefined ? creationTimeMs(c) : undefined)
      })
      oom.start()
    },
    stop() {
      unfollow?.()
      oom.stop()
    },
  }
}
