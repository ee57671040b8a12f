/*
 * containerCreation and containerDeletion events from the manager's view: one creation per
 * container it tracks (stamped with the container's creation time, as cAdvisor does, so the
 * containers found at start-up keep their real order) and one deletion when it goes (stamped
 * now; the exit code is not known, -1).
 */
import type {ContainerState, ContainerView} from '../model/index.js'
import type {MonitorEvent} from './types.js'

export function creationTimeMs(c: ContainerState): number {
  return c.info?.createdAt?.getTime() ?? c.cgroupCreatedMs ?? c.firstSeenMs
}

/** Sends the view's adds and deletes to `onEvent` until the returned function is called. */
export function followContainers(view: ContainerView, onEvent: (e: MonitorEvent) => void): () => void {
  const onAdd = (c: ContainerState): void =>
    onEvent({type: 'containerCreation', name: c.name, timeMs: creationTimeMs(c), source: 'manager'})
  const onDelete = (name: string): void => onEvent({type: 'containerDeletion', name, timeMs: Date.now(), source: 'manager', exitCode: -1})
  view.on('add', onAdd)
  view.on('delete', onDelete)
  return () => {
    view.off('add', onAdd)
    view.off('delete', onDelete)
  }
}
