/*
 * Which runtime owns each discovered container: asks the resolver once per container, keeps
 * what was ignored and why, and asks again about provisional decisions
 * (Resolution.provisional) after each full rescan, as cAdvisor re-checks them at global
 * housekeeping. Never per housekeeping tick: a rescan is minutes apart, a tick seconds.
 */
import type {ContainerInfo, ContainerName, ContainerResolver, FactoryDecision} from '../model/index.js'

export interface ResolutionHooks {
  /** The name is accepted, first or again after a re-ask (then `info` may be newer). */
  accepted(name: ContainerName, info: ContainerInfo | undefined): void
  /** No factory accepts the name (any longer). */
  ignored(name: ContainerName, why: string): void
  warn(message: string): void
}

export class Resolutions {
  /** Containers waiting for the resolver; a delete meanwhile cancels the wait. */
  private readonly pending = new Map<ContainerName, symbol>()
  private readonly ignoredNames = new Map<ContainerName, string>()
  /** Names whose decision was provisional, asked again after each rescan. */
  private readonly unsure = new Set<ContainerName>()
  private readonly reasking = new Set<ContainerName>()

  constructor(
    private readonly resolver: ContainerResolver | undefined,
    private readonly hooks: ResolutionHooks,
  ) {}

  isPending(name: ContainerName): boolean {
    return this.pending.has(name)
  }

  /** Names no factory accepted, with the reason. */
  ignored(): ReadonlyMap<ContainerName, string> {
    return this.ignoredNames
  }

  /** A new container: each resolves on its own, so a slow runtime delays only its own containers. */
  ask(name: ContainerName): void {
    const resolver = this.resolver
    if (!resolver) {
      this.hooks.accepted(name, undefined)
      return
    }
    const token = Symbol(name)
    this.pending.set(name, token)
    resolver.resolve(name).then(
      ({decision, info, provisional}) => {
        if (this.pending.get(name) !== token) return
        this.pending.delete(name)
        if (provisional) this.unsure.add(name)
        if (!decision.accepted) {
          this.ignoredNames.set(name, whyIgnored(decision))
          this.hooks.ignored(name, whyIgnored(decision))
          return
        }
        this.hooks.accepted(name, info)
      },
      (err: unknown) => {
        if (this.pending.get(name) !== token) return
        this.pending.delete(name)
        this.hooks.warn(`${name}: resolving failed (${(err as Error).message}); tracking it as a raw cgroup`)
        this.hooks.accepted(name, undefined)
      },
    )
  }

  /** Asks the resolver again about each unsure name; a name already being asked is skipped. */
  reaskUnsure(): void {
    const resolver = this.resolver
    if (!resolver) return
    for (const name of this.unsure) {
      if (this.reasking.has(name)) continue
      this.reasking.add(name)
      resolver.resolve(name).then(
        (r) => {
          this.reasking.delete(name)
          // Deleted (or stopped) meanwhile: the answer is about a container that is gone.
          if (!this.unsure.has(name)) return
          if (!r.provisional) this.unsure.delete(name)
          this.settle(name, r.decision, r.info)
        },
        () => this.reasking.delete(name),
      )
    }
  }

  /** The container is gone: cancel a wait, drop what was known and cached. */
  forget(name: ContainerName): void {
    this.pending.delete(name)
    this.ignoredNames.delete(name)
    this.unsure.delete(name)
    this.resolver?.forget(name)
  }

  clear(): void {
    this.pending.clear()
    this.unsure.clear()
  }

  /** Applies a newer decision to a name that is tracked or ignored already. */
  private settle(name: ContainerName, decision: FactoryDecision, info: ContainerInfo | undefined): void {
    if (!decision.accepted) {
      // Tracked as raw while the runtime was unsure, ignored now (--docker-only): stop tracking.
      this.ignoredNames.set(name, whyIgnored(decision))
      this.hooks.ignored(name, whyIgnored(decision))
      return
    }
    this.ignoredNames.delete(name)
    this.hooks.accepted(name, info)
  }
}

function whyIgnored(decision: FactoryDecision): string {
  const why = decision.checks.map((c) => `${c.factory}: ${c.reason}`).join('; ')
  return why || 'no factory accepted it'
}
