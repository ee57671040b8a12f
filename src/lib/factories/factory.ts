import type {ContainerName} from '../cgroups/index.js'
import {isAbsent, RuntimeUnreachable} from './http.js'
import type {ContainerInfo} from '../model/index.js'

/** The fixed order in which factories are asked (cAdvisor's is random per start; ours is not). */
export const FACTORY_ORDER = ['docker', 'podman', 'containerd', 'crio', 'systemd', 'raw'] as const
export type FactoryName = (typeof FACTORY_ORDER)[number]

/**
 * One factory's answer for one name, as cAdvisor's CanHandleAndAccept: canHandle=false lets
 * the next factory try; canHandle=true stops the search, and accept says whether the
 * container is tracked (true) or ignored (false). `reason` says why, in words.
 * `accept` is reported false whenever canHandle is false (cAdvisor's value there is unused).
 */
export interface FactoryAnswer {
  canHandle: boolean
  accept: boolean
  reason: string
  /** The runtime id the name carries, when the factory found one. */
  id?: string
  /** Metadata, when the factory accepted the name and could describe it. */
  info?: ContainerInfo
  /** The answer rests on a passing state: see Resolution.provisional. */
  provisional?: boolean
  /** The runtime could not be asked (no socket, refused, timed out): the name fell through. */
  unreachable?: boolean
}

export interface Factory {
  readonly name: FactoryName
  canHandleAndAccept(name: ContainerName): Promise<FactoryAnswer>
  /** Releases connections (gRPC channels); the factory may not be used afterwards. */
  close?(): void
  /**
   * The container's health-check status now (`healthy`, `unhealthy`, `starting`), undefined
   * without a health check; one runtime call. Only the runtimes that run health checks have it.
   */
  health?(id: string): Promise<string | undefined>
}

export function pass(reason: string, id?: string): FactoryAnswer {
  return id === undefined ? {canHandle: false, accept: false, reason} : {canHandle: false, accept: false, reason, id}
}

/** A provisional pass (Resolution.provisional). */
export function passForNow(reason: string, id?: string): FactoryAnswer {
  return {...pass(reason, id), provisional: true}
}

/** A pass because the runtime could not be asked: lasting when it is not installed, else for now. */
export function passAfterError(err: unknown, id?: string): FactoryAnswer {
  const reason = err instanceof Error ? err.message : String(err)
  const answer = isAbsent(err) ? pass(reason, id) : passForNow(reason, id)
  return err instanceof RuntimeUnreachable ? {...answer, unreachable: true} : answer
}

export function ignore(reason: string, id?: string): FactoryAnswer {
  return id === undefined ? {canHandle: true, accept: false, reason} : {canHandle: true, accept: false, reason, id}
}

export function accept(reason: string, id?: string, info?: ContainerInfo): FactoryAnswer {
  const a: FactoryAnswer = {canHandle: true, accept: true, reason}
  if (id !== undefined) a.id = id
  if (info !== undefined) a.info = info
  return a
}
