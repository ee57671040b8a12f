/*
 * Which runtime owns each discovered container, and when it may be published.
 *
 * A container whose cgroup name is a runtime's (`/docker/<id>`, `libpod-<id>.scope`, …) is never
 * published under another identity because that runtime was slow: while the runtime has not
 * answered for it (Resolution.awaiting: unreachable, timed out, container not running yet) it is
 * *pending*, not published, and asked again after 250 ms, doubling to 10 s, whatever the rescan
 * does. Past the wait bound (`--runtime-wait`, default 30 s) it is published as what its name
 * alone says (that runtime, its id, no name, image or labels) with one warning line per runtime
 * and outage, and still asked every 10 s; the answer, when it comes, corrects the identity once.
 * Once one container of a runtime has waited the whole bound, that runtime's next containers are
 * published from their names at once until it answers again: an outage costs one wait, not one
 * per container. cAdvisor drops a container whose runtime cannot be asked and retries at its
 * next global housekeeping (1 min); this is faster, and never names a container wrongly.
 *
 * A runtime whose socket does not exist is not waited for (Awaiting.absent): it is not running
 * here, and its containers may belong to one cadv is not pointed at; the decision is published
 * as made and asked again every 10 s at most, so a daemon that comes back corrects it.
 * Any other provisional decision (Resolution.provisional: a runtime the name does not point to
 * was unreachable, a task lookup failed) is published and asked again on the same backoff until
 * the wait has reached its longest, then after each full rescan, as cAdvisor re-checks them.
 * Never per housekeeping tick.
 */
import type {Awaiting, ContainerName, ContainerResolver, FactoryDecision, Resolution} from '../model/index.js'

/** How long a container whose runtime has not answered stays unpublished (`--runtime-wait`). */
export const DEFAULT_RUNTIME_WAIT_MS = 30_000
const RETRY_FIRST_MS = 250
const RETRY_MAX_MS = 10_000

/** How a container came to be published (or published again). */
export type Publication = 'answer' | 'byName' | 'corrected'

export interface ResolutionHooks {
  /**
   * Publish `name`: a runtime's answer, its name alone after the wait ('byName', `r` is what
   * the name says), or a later answer that replaces either ('corrected', or 'answer' again when
   * a provisional decision settled). `r` is undefined without a resolver (a raw cgroup).
   */
  accepted(name: ContainerName, r: Resolution | undefined, how: Publication): void
  /** No factory accepts the name (any longer). */
  ignored(name: ContainerName, why: string, r: Resolution): void
  /** A line the user must see (a runtime that keeps containers waiting). */
  warn(message: string): void
  /** A `-v` line (each container that waits, and when it gets its answer). */
  note?(message: string): void
  /** Every lookup's result, before it is acted on (the event stream ends a deleted add's wait with it). */
  answered?(name: ContainerName, r: Resolution): void
}

export interface ResolutionOptions {
  /** The wait bound; default DEFAULT_RUNTIME_WAIT_MS. */
  waitMs?: number
  firstRetryMs?: number
  maxRetryMs?: number
}

/** A container not published (or published from its name alone) because its runtime has not answered. */
export interface PendingContainer {
  name: ContainerName
  /** The runtime it waits for; undefined while the first lookup is under way. */
  factory: string | undefined
  reason: string
  /** When cadv first asked about it (ms since the epoch). */
  sinceMs: number
}

export interface ResolutionStats {
  /** Containers not published yet: their runtime has not answered (or the first lookup runs). */
  pending: number
  /** Containers published from their names alone: the runtime still has not answered. */
  byName: number
  /** Lookups whose runtime could not answer for a name it owns, by factory, since start. */
  failures: Record<string, number>
}

interface Entry {
  sinceMs: number
  /** Re-asks so far (the backoff's exponent). */
  retries: number
  timer: NodeJS.Timeout | undefined
  /** The wait bound's timer, while unpublished. */
  deadline: NodeJS.Timeout | undefined
  inFlight: boolean
  awaiting: Awaiting | undefined
  published: false | 'byName' | true
}

export class Resolutions {
  /** Containers being asked about: pending, published from their names, or provisional. */
  private readonly entries = new Map<ContainerName, Entry>()
  private readonly ignoredNames = new Map<ContainerName, string>()
  /** Names whose decision stayed provisional past the backoff, asked again after each rescan. */
  private readonly unsure = new Set<ContainerName>()
  private readonly reasking = new Set<ContainerName>()
  /** Runtimes in an outage: a container waited the whole bound; their new ones are published by name. */
  private readonly down = new Set<string>()
  private readonly failures: Record<string, number> = {}
  private readonly waiters: Array<() => void> = []
  private readonly waitMs: number
  private readonly firstRetryMs: number
  private readonly maxRetryMs: number

  constructor(
    private readonly resolver: ContainerResolver | undefined,
    private readonly hooks: ResolutionHooks,
    options: ResolutionOptions = {},
  ) {
    this.waitMs = options.waitMs ?? DEFAULT_RUNTIME_WAIT_MS
    this.firstRetryMs = options.firstRetryMs ?? RETRY_FIRST_MS
    this.maxRetryMs = options.maxRetryMs ?? RETRY_MAX_MS
  }

  /** Not published yet: the first lookup runs, or the runtime its name points to has not answered. */
  isPending(name: ContainerName): boolean {
    const e = this.entries.get(name)
    return e !== undefined && e.published === false
  }

  /** Names no factory accepted, with the reason. */
  ignored(): ReadonlyMap<ContainerName, string> {
    return this.ignoredNames
  }

  /** Containers not published yet, oldest first. */
  pending(): PendingContainer[] {
    return this.list((e) => e.published === false)
  }

  /** Containers published from their names alone, whose runtime still has not answered. */
  byName(): PendingContainer[] {
    return this.list((e) => e.published === 'byName')
  }

  stats(): ResolutionStats {
    let pending = 0
    let byName = 0
    for (const e of this.entries.values()) {
      if (e.published === false) pending++
      else if (e.published === 'byName') byName++
    }
    return {pending, byName, failures: {...this.failures}}
  }

  /** Resolves once no container is pending: each has an answer or waited the whole bound. */
  settled(): Promise<void> {
    if (this.pendingCount() === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** A new container: each resolves on its own, so a slow runtime delays only its own containers. */
  ask(name: ContainerName): void {
    if (!this.resolver) {
      this.hooks.accepted(name, undefined, 'answer')
      return
    }
    if (this.entries.has(name)) return
    const e: Entry = {
      sinceMs: Date.now(),
      retries: 0,
      timer: undefined,
      deadline: undefined,
      inFlight: false,
      awaiting: undefined,
      published: false,
    }
    this.entries.set(name, e)
    e.deadline = setTimeout(() => this.waited(name, e), this.waitMs)
    this.lookup(name, e)
  }

  /** Asks the resolver again about each unsure name; a name already being asked is skipped. */
  reaskUnsure(): void {
    const resolver = this.resolver
    if (!resolver) return
    for (const name of this.unsure) {
      if (this.reasking.has(name) || this.entries.has(name)) continue
      this.reasking.add(name)
      resolver.resolve(name).then(
        (r) => {
          this.reasking.delete(name)
          // Deleted (or stopped) meanwhile: the answer is about a container that is gone.
          if (!this.unsure.has(name)) return
          if (!r.provisional) this.unsure.delete(name)
          this.settle(name, r)
        },
        () => this.reasking.delete(name),
      )
    }
  }

  /** The container is gone: cancel its waits, drop what was known and cached. */
  forget(name: ContainerName): void {
    const e = this.entries.get(name)
    if (e) this.drop(name, e)
    this.ignoredNames.delete(name)
    this.unsure.delete(name)
    this.resolver?.forget(name)
  }

  clear(): void {
    for (const [name, e] of [...this.entries]) this.drop(name, e)
    this.unsure.clear()
  }

  private list(keep: (e: Entry) => boolean): PendingContainer[] {
    const out: PendingContainer[] = []
    for (const [name, e] of this.entries) {
      if (!keep(e)) continue
      out.push({name, factory: e.awaiting?.factory, reason: e.awaiting?.reason ?? 'asking the runtimes', sinceMs: e.sinceMs})
    }
    return out.sort((a, b) => a.sinceMs - b.sinceMs)
  }

  private pendingCount(): number {
    let n = 0
    for (const e of this.entries.values()) if (e.published === false) n++
    return n
  }

  private drop(name: ContainerName, e: Entry): void {
    clearTimeout(e.timer)
    clearTimeout(e.deadline)
    this.entries.delete(name)
    this.wake()
  }

  /** Wakes settled() callers once nothing is pending. */
  private wake(): void {
    if (this.waiters.length === 0 || this.pendingCount() > 0) return
    for (const w of this.waiters.splice(0)) w()
  }

  private lookup(name: ContainerName, e: Entry): void {
    e.timer = undefined
    e.inFlight = true
    this.resolver!.resolve(name).then(
      (r) => this.answered(name, e, r),
      (err: unknown) => {
        // The resolver never rejects; a bug there must not lose the container.
        if (this.entries.get(name) !== e) return
        this.hooks.warn(`${name}: resolving failed (${(err as Error).message}); tracking it as a raw cgroup`)
        this.drop(name, e)
        this.hooks.accepted(name, undefined, 'answer')
      },
    )
  }

  private answered(name: ContainerName, e: Entry, r: Resolution): void {
    if (this.entries.get(name) !== e) return
    e.inFlight = false
    this.hooks.answered?.(name, r)
    if (this.entries.get(name) !== e) return
    if (r.awaiting?.absent) {
      // Not there: the decision stands (published now), asked again while the socket is missing.
      this.failures[r.awaiting.factory] = (this.failures[r.awaiting.factory] ?? 0) + 1
      this.publishAndAskAgain(name, e, r, e.published === 'byName' ? 'corrected' : 'answer')
      return
    }
    if (r.awaiting) {
      const f = r.awaiting.factory
      this.failures[f] = (this.failures[f] ?? 0) + 1
      if (!e.awaiting) this.hooks.note?.(`${name}: waiting for ${f}: ${r.awaiting.reason}`)
      e.awaiting = r.awaiting
      if (e.published === false && (this.down.has(f) || Date.now() - e.sinceMs >= this.waitMs)) this.publishByName(name, e)
      this.retry(name, e)
      return
    }
    const was = e.awaiting
    e.awaiting = undefined
    if (was) {
      // The runtime answered for one of its names: its outage, if any, is over.
      if (this.down.delete(was.factory)) this.hooks.note?.(`${was.factory} answers again`)
      this.hooks.note?.(`${name}: ${was.factory} answered after ${((Date.now() - e.sinceMs) / 1000).toFixed(1)} s`)
    }
    const how: Publication = e.published === 'byName' ? 'corrected' : 'answer'
    if (r.provisional && this.maxRetryMs > this.backoff(e)) {
      // Published, and asked again on the backoff until it settles or the wait is at its longest.
      this.publishAndAskAgain(name, e, r, how)
      return
    }
    this.drop(name, e)
    if (r.provisional) this.unsure.add(name)
    this.settle(name, r, how)
  }

  /** Publishes a decision that may still change, and asks again on the backoff. */
  private publishAndAskAgain(name: ContainerName, e: Entry, r: Resolution, how: Publication): void {
    e.published = true
    clearTimeout(e.deadline)
    e.deadline = undefined
    this.settle(name, r, how)
    this.retry(name, e)
    this.wake()
  }

  /** The wait bound passed: publish from the name if its runtime has still not answered. */
  private waited(name: ContainerName, e: Entry): void {
    e.deadline = undefined
    if (this.entries.get(name) !== e || e.published !== false || !e.awaiting) return
    this.publishByName(name, e)
  }

  private publishByName(name: ContainerName, e: Entry): void {
    const a = e.awaiting!
    clearTimeout(e.deadline)
    e.deadline = undefined
    e.published = 'byName'
    if (!this.down.has(a.factory)) {
      this.down.add(a.factory)
      this.hooks.warn(
        `${a.factory} has not answered for ${name} within ${this.waitMs / 1000} s (${a.reason}); ` +
          `its containers are published from their names alone (factory and id, no name, image or labels) until it answers, asked again every ${this.maxRetryMs / 1000} s`,
      )
    }
    this.settle(name, a.byName, 'byName')
    this.wake()
  }

  private backoff(e: Entry): number {
    return Math.min(this.firstRetryMs * 2 ** e.retries, this.maxRetryMs)
  }

  private retry(name: ContainerName, e: Entry): void {
    const delay = this.backoff(e)
    e.retries++
    e.timer = setTimeout(() => {
      if (this.entries.get(name) === e) this.lookup(name, e)
    }, delay)
  }

  /** Applies a decision: published (or again), or ignored. */
  private settle(name: ContainerName, r: Resolution, how: Publication = 'answer'): void {
    const d = r.decision
    if (!d.accepted) {
      this.ignoredNames.set(name, whyIgnored(d))
      this.hooks.ignored(name, whyIgnored(d), r)
      return
    }
    this.ignoredNames.delete(name)
    this.hooks.accepted(name, r, how)
    // Acted on for good: nothing asks the resolver about a published container again (a new
    // add of it comes only after its delete, which forgets it anyway), so its cached answer
    // need not stay: a decision with every factory's check and reason, about 1 KB a container
    // (10 MiB of a heap snapshot at 10,000). An ignored one stays cached: an add of it again
    // costs no runtime call.
    if (!r.provisional) this.resolver?.forget(name)
  }
}

function whyIgnored(decision: FactoryDecision): string {
  const why = decision.checks.map((c) => `${c.factory}: ${c.reason}`).join('; ')
  return why || 'no factory accepted it'
}
