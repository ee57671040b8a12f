/*
 * `cadv watch --resolve`: adds the resolution (factory, id, alias, image, labels) to each
 * ContainerEvent without reordering them. Lookups for several adds run at once; lines leave
 * in arrival order as soon as every earlier line has left. A slow runtime therefore delays
 * the lines behind it by at most its timeout (and a runtime that timed out is skipped for a
 * while, so only the first such lookup waits). A delete carries what its add resolved to
 * and drops the cached decision; it never asks a runtime about a container that is gone.
 * An OOM line carries what its container's add resolved to.
 */
import type {ContainerEvent, ContainerName, ContainerResolver, Resolution} from '../model/index.js'

/** The fields a resolved event carries (ContainerEvent's optional part, plus `ignored`). */
export interface ResolvedFields {
  factory?: string
  id?: string
  alias?: string
  image?: string
  labels?: Record<string, string>
  /** The winning factory handles the name but ignores it (a `.mount`, --docker-only, a pod sandbox). */
  ignored?: boolean
}

export function resolvedFields(r: Resolution): ResolvedFields {
  const d = r.decision
  if (d.factory === null) return {}
  const out: ResolvedFields = {factory: d.factory}
  if (d.id) out.id = d.id
  if (!d.accepted) {
    out.ignored = true
    return out
  }
  const info = r.info
  if (info?.aliases[0]) out.alias = info.aliases[0]
  if (info?.image) out.image = info.image
  if (info && Object.keys(info.labels).length > 0) out.labels = info.labels
  return out
}

export interface EventAnnotator {
  /** Queues an event; it is written once it and every event before it are resolved. */
  push(e: ContainerEvent): void
  /** Resolves when every queued event has been written. */
  drain(): Promise<void>
}

/**
 * `onDecision` sees each add's decision (for --verbose notes); it must not throw.
 * `onError` hears a write that threw; the events after it are still written (without it the
 * rejection would end the chain and surface as an unhandled rejection).
 */
export function annotateEvents(
  resolver: ContainerResolver,
  write: (e: ContainerEvent & ResolvedFields) => void,
  onDecision?: (r: Resolution) => void,
  onError?: (err: unknown) => void,
): EventAnnotator {
  const known = new Map<ContainerName, Promise<Resolution>>()
  let tail: Promise<void> = Promise.resolve()
  return {
    push(e: ContainerEvent): void {
      let pending: Promise<Resolution> | undefined
      if (e.type === 'ContainerAdd') {
        pending = resolver.resolve(e.name)
        if (onDecision) pending = pending.then((r) => (onDecision(r), r))
        known.set(e.name, pending)
      } else if (e.type === 'ContainerDelete') {
        pending = known.get(e.name)
        known.delete(e.name)
        resolver.forget(e.name)
      } else {
        // An OOM line: the container's known identity, or (a cgroup we were not told about,
        // such as one under --prefix's reach) a lookup of its own.
        pending = known.get(e.name) ?? resolver.resolve(e.name)
      }
      const enriched = pending
        ? pending.then(
            (r) => ({...e, ...resolvedFields(r)}),
            () => e,
          )
        : Promise.resolve(e)
      tail = tail
        .then(() => enriched)
        .then(write)
        .catch((err: unknown) => onError?.(err))
    },
    drain(): Promise<void> {
      return tail
    },
  }
}
