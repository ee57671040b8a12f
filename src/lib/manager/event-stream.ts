/*
 * `cadv watch --resolve`: adds the resolution (factory, id, alias, image, labels) to each
 * ContainerEvent without reordering them. Lookups for several adds run at once; lines leave
 * in arrival order as soon as every earlier line has left. A runtime that does not answer for
 * a container its name points to delays the lines behind it by at most the wait bound, once
 * per outage (see annotateEvents). A delete carries what its add resolved to
 * and drops the cached decision; it never asks a runtime about a container that is gone.
 * An OOM line carries what its container's add resolved to.
 */
import type {ContainerEvent, ContainerName, ContainerResolver, Resolution} from '../model/index.js'
import {Resolutions, type PendingContainer, type ResolutionHooks} from './resolution.js'

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
  /** Containers whose add went out from the name alone: their runtime never answered in time. */
  byName(): PendingContainer[]
  /** Stops asking runtimes again. */
  close(): void
}

export interface AnnotateOptions {
  /** Each add's first decision (for --verbose notes); it must not throw. */
  onDecision?: (r: Resolution) => void
  /**
   * A write that threw; the events after it are still written (without it the rejection would
   * end the chain and surface as an unhandled rejection).
   */
  onError?: (err: unknown) => void
  /** The wait bound and the lines about waiting (resolution.ts). */
  waitMs?: number
  warn?: (message: string) => void
  note?: (message: string) => void
}

/**
 * An add waits, as in the manager, for the runtime its name points to (resolution.ts): at most
 * the wait bound, after which it goes out with what the name alone says. The lines behind it
 * wait in order; once a runtime has kept one container waiting the whole bound, its next
 * containers go out at once until it answers again. A later answer cannot change a line that
 * is out: `-v` says it.
 */
export function annotateEvents(
  resolver: ContainerResolver,
  write: (e: ContainerEvent & ResolvedFields) => void,
  o: AnnotateOptions = {},
): EventAnnotator {
  const known = new Map<ContainerName, Promise<Resolution>>()
  const first = new Map<ContainerName, (r: Resolution) => void>()
  /** Deleted while its add waits: the lookup under way ends the wait, with what it says. */
  const gone = new Set<ContainerName>()
  const hooks: ResolutionHooks = {
    answered: (name, r) => {
      if (!gone.delete(name)) return
      first.get(name)?.(r.awaiting ? r.awaiting.byName : r)
      first.delete(name)
      resolutions.forget(name)
    },
    accepted: (name, r, how) => {
      if (how === 'corrected') o.note?.(`${name}: ${r?.decision.factory ?? 'its runtime'} answered; its add went out from the name alone`)
      if (r) first.get(name)?.(r)
      first.delete(name)
    },
    ignored: (name, _why, r) => {
      first.get(name)?.(r)
      first.delete(name)
    },
    warn: (m) => o.warn?.(m),
  }
  if (o.note) hooks.note = o.note
  const resolutions = new Resolutions(resolver, hooks, o.waitMs === undefined ? {} : {waitMs: o.waitMs})
  let tail: Promise<void> = Promise.resolve()
  return {
    push(e: ContainerEvent): void {
      let pending: Promise<Resolution> | undefined
      if (e.type === 'ContainerAdd') {
        pending = new Promise<Resolution>((resolve) => first.set(e.name, resolve))
        if (o.onDecision) {
          const onDecision = o.onDecision
          pending = pending.then((r) => (onDecision(r), r))
        }
        known.set(e.name, pending)
        resolutions.ask(e.name)
      } else if (e.type === 'ContainerDelete') {
        pending = known.get(e.name)
        known.delete(e.name)
        // Gone before its runtime answered: the lookup under way is the last one.
        if (first.has(e.name)) gone.add(e.name)
        else resolutions.forget(e.name)
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
        .catch((err: unknown) => o.onError?.(err))
    },
    drain(): Promise<void> {
      return tail
    },
    byName(): PendingContainer[] {
      return resolutions.byName()
    },
    close(): void {
      resolutions.clear()
      // Adds still waiting go out as their names say nothing more: undecided.
      for (const [name, resolve] of first) resolve({decision: {name, factory: null, accepted: false, id: null, checks: []}})
      first.clear()
    },
  }
}
