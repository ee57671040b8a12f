/*
 * The manager owns watcher → factories → housekeeping → store; it is the one place they meet.
 * Commands read containers through ContainerView and never reach into cgroupfs themselves.
 */
import type {EventEmitter} from 'node:events'

import type {ContainerName} from './cgroups/index.js'
import type {ContainerInfo} from './factories/index.js'
import type {ContainerSpec, Sample} from './stats/index.js'

/** Everything known about one live container. */
export interface ContainerState {
  name: ContainerName
  /** Runtime metadata, when a factory accepted the container (raw cgroups have factory 'raw'). */
  info?: ContainerInfo
  /** Limits and shares; re-read rarely. */
  spec?: ContainerSpec
  /** Retained samples, oldest first, bounded by --storage-duration and by count. */
  samples: readonly Sample[]
  /** When the container was first seen, ms since the epoch (creation time when the runtime gives none). */
  firstSeenMs: number
}

export interface ContainerViewEvents {
  add: [ContainerState]
  delete: [ContainerName]
  /** A new sample was stored for this container. */
  sample: [ContainerState, Sample]
}

/** Read side of the manager, for stats tables, metrics and the JSON API. */
export interface ContainerView extends EventEmitter<ContainerViewEvents> {
  containers(): Iterable<ContainerState>
  get(name: ContainerName): ContainerState | undefined
}
