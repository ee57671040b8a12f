import type {EventEmitter} from 'node:events'

import type {ContainerInfo} from './decision.js'
import type {ContainerName} from './names.js'
import type {ContainerSpec, Sample} from './sample.js'

/** Everything known about one live container. */
export interface ContainerState {
  name: ContainerName
  /** Runtime metadata, when a factory accepted the container (raw cgroups have factory 'raw'). */
  info?: ContainerInfo
  /** Limits and shares; re-read rarely. */
  spec?: ContainerSpec
  /** Retained samples, oldest first, bounded by --storage-duration and by count. */
  samples: readonly Sample[]
  /** When cadv first saw the container, ms since the epoch. */
  firstSeenMs: number
  /**
   * When the cgroup was created (oldest mtime of its directories, as cAdvisor), ms since the
   * epoch; read once when tracking starts. A runtime's `info.createdAt` takes precedence.
   */
  cgroupCreatedMs?: number
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
