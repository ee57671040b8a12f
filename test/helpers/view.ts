/* A ContainerView over a fixed list of states, for route tests that need no manager. */
import {EventEmitter} from 'node:events'

import type {RunningView} from '../../src/lib/metrics/index.js'
import type {ContainerState, ContainerView, ContainerViewEvents} from '../../src/lib/model/index.js'

export class ListView extends EventEmitter<ContainerViewEvents> implements ContainerView {
  constructor(readonly list: ContainerState[]) {
    super()
  }
  containers(): Iterable<ContainerState> {
    return this.list
  }
  get(name: string): ContainerState | undefined {
    return this.list.find((c) => c.name === name)
  }
}

/** A ListView that startServe takes as its manager: nothing to start or stop, no directories watched. */
export function runningListView(list: ContainerState[]): ListView & RunningView {
  return Object.assign(new ListView(list), {
    start: async () => undefined,
    stop: async () => undefined,
    watchStats: () => ({backend: 'inotify', directories: 0, polled: 0, rescans: 0}),
  }) as unknown as ListView & RunningView
}

/** A raw cgroup with no info and no samples. */
export function rawState(name: string): ContainerState {
  return {name, samples: [], firstSeenMs: 1_700_000_000_000}
}

/** A container a runtime accepted: its id, aliases and image. */
export function runtimeState(name: string, factory: string, id: string, aliases: string[], image = 'busybox'): ContainerState {
  return {
    name,
    firstSeenMs: 1_700_000_000_000,
    samples: [],
    info: {name, factory, id, aliases, image, labels: {}, env: {}, pid: 0, hasNetwork: true},
  }
}
