import type {EventEmitter} from 'node:events'

import type {ContainerInfo} from './decision.js'
import type {ContainerName} from './names.js'
import type {ContainerSpec, Sample} from './sample.js'

/**
 * A container's retained samples, oldest first. What readers of them may use: an array is one,
 * and the store's own (stats/store.ts) keeps older samples packed, made into objects when read.
 */
export interface SampleList extends Iterable<Sample> {
  readonly length: number
  /** As Array.prototype.at: a negative index counts from the newest. */
  at(index: number): Sample | undefined
  /** The samples in [start, end) as a new array, as Array.prototype.slice. */
  slice(start?: number, end?: number): Sample[]
}

/** Everything known about one live container. */
export interface ContainerState {
  name: ContainerName
  /** Runtime metadata, when a factory accepted the container (raw cgroups have factory 'raw'). */
  info?: ContainerInfo
  /** Limits and shares; re-read rarely. */
  spec?: ContainerSpec
  /** Retained samples, oldest first, bounded by --storage-duration and by count. */
  samples: SampleList
  /** When cadv first saw the container, ms since the epoch. */
  firstSeenMs: number
  /**
   * When the cgroup was created (oldest mtime of its directories, as cAdvisor), ms since the
   * epoch; read once when tracking starts. A runtime's `info.createdAt` takes precedence.
   */
  cgroupCreatedMs?: number
  /**
   * Present while the container is published from its cgroup name alone: the runtime the name
   * points to has not answered within the wait (`--runtime-wait`), and why. `info` then holds
   * only the factory and id; the runtime's answer replaces it and removes this.
   */
  awaiting?: {factory: string; reason: string}
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
