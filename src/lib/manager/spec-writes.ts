import type {ContainerName, Hierarchy} from '../cgroups/index.js'
import type {ContainerCollector} from '../stats/index.js'
import {WRITTEN_SPEC_CONTROLLERS, WRITTEN_SPEC_FILES} from '../stats/index.js'
import type {Watcher, WatcherOptions} from '../watch/index.js'

/**
 * How the watcher tells collectors that a limit was written: limits change only by writes,
 * which a directory's inotify watch reports (IN_MODIFY, with or without O_TRUNC), so a spec
 * refresh leaves the files of such a directory unread until one is written
 * (ContainerCollector.readSpec). The leaves of the hierarchies holding those files are watched
 * for it, not only the lead's: on a v1 host the memory hierarchy's (1,000 watches: about 1 MiB
 * and 20 ms at start-up, for 3 of the spec's 8 files at every refresh).
 */
export const SPEC_WRITES: NonNullable<WatcherOptions['writes']> = {
  files: WRITTEN_SPEC_FILES,
  leavesIn: (h) => h.controllers.some((c) => WRITTEN_SPEC_CONTROLLERS.has(c)),
}

/** CollectorOptions.writesSeen for collectors fed by this watcher's 'written' (specWrittenTo). */
export function writesSeenBy(watcher: Watcher): (h: Hierarchy, name: ContainerName) => boolean {
  return (h, name) => watcher.seesWrites(h.id, name)
}

/** Passes the watcher's 'written' on to the collector of the container it names. */
export function specWrittenTo(
  watcher: Watcher,
  collectorOf: (name: ContainerName) => Pick<ContainerCollector, 'specWritten'> | undefined,
): void {
  watcher.on('written', (id, name) => collectorOf(name)?.specWritten(id))
}
