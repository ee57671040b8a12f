/*
 * The ordered registry: asks each factory in FACTORY_ORDER until one handles the name, the
 * way cAdvisor's manager does, and records every answer it got (the decision's `checks`).
 */
import {kubernetesPlacement, type ContainerName} from '../cgroups/index.js'
import {ContainerdFactory} from './containerd/factory.js'
import {CrioFactory} from './crio/factory.js'
import {EngineClient} from './docker/client.js'
import {DockerFactory} from './docker/factory.js'
import type {Factory, FactoryAnswer} from './factory.js'
import type {ResolverOptions} from './options.js'
import {podmanClient} from './podman/client.js'
import {PodmanFactory} from './podman/factory.js'
import {RawFactory} from './raw.js'
import {SystemdFactory} from './systemd.js'
import type {Awaiting, ContainerInfo, FactoryDecision, Resolution} from '../model/index.js'

/** docker, podman, containerd, crio, systemd, raw: the documented, fixed order. */
export function createFactories(options: ResolverOptions): Factory[] {
  return [
    new DockerFactory(new EngineClient('docker', options.docker), options),
    new PodmanFactory(podmanClient(options.podman), options),
    new ContainerdFactory(options),
    new CrioFactory(options),
    new SystemdFactory(),
    new RawFactory(options),
  ]
}

/**
 * Asks the factories in order; the first that handles the name decides. Never throws. With
 * `byName` (the same factories deciding offline), a runtime that could not answer for a name
 * its naming claims makes the resolution `awaiting` it (Resolution.awaiting).
 */
export async function decide(factories: readonly Factory[], name: ContainerName, byName?: readonly Factory[]): Promise<Resolution> {
  const decision: FactoryDecision = {name, factory: null, accepted: false, id: null, checks: []}
  let provisional = false
  /** Factories whose answer may change (unreachable, timed out, not running yet), with why. */
  const unsure = new Map<string, {reason: string; absent: boolean}>()
  const done = async (r: Resolution): Promise<Resolution> => {
    const k = kubernetesPlacement(name, r.info?.labels)
    if (k) decision.kubernetes = k
    const awaiting = byName && unsure.size > 0 ? await awaitingFor(name, decision, unsure, byName) : undefined
    if (awaiting) return {...r, provisional: true, awaiting}
    return provisional ? {...r, provisional} : r
  }
  for (const f of factories) {
    let a: FactoryAnswer
    try {
      a = await f.canHandleAndAccept(name)
    } catch (err) {
      // A factory bug must not take the caller down: it counts as "cannot handle".
      a = {canHandle: false, accept: false, reason: `error: ${(err as Error).message}`}
    }
    decision.checks.push(
      a.unreachable
        ? {factory: f.name, canHandle: a.canHandle, accept: a.accept, reason: a.reason, unreachable: true}
        : {factory: f.name, canHandle: a.canHandle, accept: a.accept, reason: a.reason},
    )
    if (a.provisional) provisional = true
    if (a.provisional || a.unreachable) unsure.set(f.name, {reason: a.reason, absent: !a.provisional})
    if (!a.canHandle) continue
    decision.factory = f.name
    decision.accepted = a.accept
    decision.id = a.id ?? null
    if (a.accept) return done({decision, info: a.info ?? minimalInfo(name, f.name, a.id)})
    return done({decision})
  }
  return done({decision})
}

/** The runtime the name points to, when it is one of those that could not answer and did not win. */
async function awaitingFor(
  name: ContainerName,
  decision: FactoryDecision,
  unsure: ReadonlyMap<string, {reason: string; absent: boolean}>,
  byName: readonly Factory[],
): Promise<Awaiting | undefined> {
  const guess = await decide(byName, name)
  const f = guess.decision.factory
  if (f === null || !guess.decision.accepted || f === decision.factory) return undefined
  const u = unsure.get(f)
  if (u === undefined) return undefined
  return u.absent ? {factory: f, reason: u.reason, byName: guess, absent: true} : {factory: f, reason: u.reason, byName: guess}
}

function minimalInfo(name: ContainerName, factory: string, id: string | undefined): ContainerInfo {
  const info: ContainerInfo = {name, factory, aliases: id ? [id] : [], labels: {}, env: {}, pid: 0, hasNetwork: false}
  if (id) info.id = id
  return info
}
