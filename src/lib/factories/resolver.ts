/*
 * The ContainerResolver the manager and `cadv watch --resolve` use: one decision per
 * container, asked once and cached until forget() (no runtime call per housekeeping tick),
 * concurrent asks for the same name share one lookup. A provisional decision
 * (Resolution.provisional) is dropped once it settles, so the next ask goes to the runtimes
 * again, and so is one awaiting the runtime its name points to (Resolution.awaiting). Never
 * throws; waits at most the runtime clients' timeouts (and a timed-out runtime is
 * skipped for a while afterwards).
 */
import {invalidNameReason, type ContainerName} from '../cgroups/index.js'
import type {Factory} from './factory.js'
import {resolverOptions, type ResolverOptions, type ResolverOptionsInput} from './options.js'
import {createFactories, decide} from './registry.js'
import type {ContainerInfo, ContainerResolver, Resolution} from '../model/index.js'

export interface Resolver extends ContainerResolver {
  readonly options: ResolverOptions
  /** Closes runtime connections (containerd's gRPC channel) so the process can exit. */
  close(): void
}

export function createResolver(input: ResolverOptionsInput = {}): Resolver {
  const options = resolverOptions(input)
  const factories: Factory[] = createFactories(options)
  // What names alone say, for a name whose runtime could not answer (Resolution.awaiting).
  const byName: Factory[] | undefined = options.offline ? undefined : createFactories({...options, offline: true})
  const cache = new Map<ContainerName, Promise<Resolution>>()

  return {
    options,
    resolve(name: ContainerName): Promise<Resolution> {
      const cached = cache.get(name)
      if (cached) return cached
      const bad = invalidNameReason(name)
      if (bad !== undefined) {
        return Promise.resolve({decision: {name, factory: null, accepted: false, id: null, checks: []}})
      }
      const pending = decide(factories, name, byName)
      cache.set(name, pending)
      void pending.then((r) => {
        if (r.provisional && cache.get(name) === pending) cache.delete(name)
      })
      return pending
    },
    forget(name: ContainerName): void {
      cache.delete(name)
    },
    async health(info: ContainerInfo): Promise<string | undefined> {
      const f = factories.find((x) => x.name === info.factory)
      if (!f?.health || info.id === undefined) return undefined
      return f.health(info.id)
    },
    close(): void {
      for (const f of factories) f.close?.()
      cache.clear()
    },
  }
}
