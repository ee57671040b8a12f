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
import type {ContainerInfo, FactoryDecision, Resolution} from '../model/index.js'

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

/** Asks the factories in order; the first that handles the name decides. Never throws. */
export async function decide(factories: readonly Factory[], name: ContainerName): Promise<Resolution> {
  const decision: FactoryDecision = {name, factory: null, accepted: false, id: null, checks: []}
  let provisional = false
  const done = (r: Resolution): Resolution => {
    const k = kubernetesPlacement(name, r.info?.labels)
    if (k) decision.kubernetes = k
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
    if (!a.canHandle) continue
    decision.factory = f.name
    decision.accepted = a.accept
    decision.id = a.id ?? null
    if (a.accept) return done({decision, info: a.info ?? minimalInfo(name, f.name, a.id)})
    return done({decision})
  }
  return done({decision})
}

function minimalInfo(name: ContainerName, factory: string, id: string | undefined): ContainerInfo {
  const info: ContainerInfo = {name, factory, aliases: id ? [id] : [], labels: {}, env: {}, pid: 0, hasNetwork: false}
  if (id) info.id = id
  return info
}
