/*
 * docker (and, through EngineFactory, podman): cAdvisor's rule is the shared 64-character id
 * test on the base name, then an inspect; a container that is unknown, not running, or a
 * daemon that does not answer lets the name fall through to the next factory.
 */
import {dirname} from 'node:path'

import {parentName, type ContainerName} from '../../cgroups/index.js'
import {accept, pass, passAfterError, passForNow, type Factory, type FactoryAnswer} from '../factory.js'
import {baseName, containerIdTest, filterEnv, shortId} from '../container-ids.js'
import type {ResolverOptions} from '../options.js'
import type {ContainerInfo} from '../../model/index.js'
import type {EngineClient, EngineContainer} from './client.js'

/** A cgroup exists from `runc create`; the daemon says "running" a moment later. */
const STARTING_RETRIES_MS = [50, 100, 200, 400]

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** What the factory needs from its client (tests give a scripted one). */
export type EngineApi = Pick<EngineClient, 'endpoint' | 'inspect'>

export abstract class EngineFactory implements Factory {
  abstract readonly name: 'docker' | 'podman'

  constructor(
    protected readonly client: EngineApi,
    protected readonly options: ResolverOptions,
  ) {}

  /** The name the id test runs on (podman drops a rootless `container` leaf). */
  protected candidateName(name: ContainerName): ContainerName {
    return name
  }

  /** Offline only: why the name looks like this runtime's, or undefined when it does not. */
  protected abstract namingHint(name: ContainerName, id: string): string | undefined

  async canHandleAndAccept(name: ContainerName): Promise<FactoryAnswer> {
    const candidate = this.candidateName(name)
    const t = containerIdTest(candidate)
    if (!t.ok) return pass(t.reason)
    const call = `GET /containers/${shortId(t.id)}/json on ${this.client.endpoint}`
    if (this.options.offline) {
      const hint = this.namingHint(candidate, t.id)
      return hint
        ? accept(`${hint}; decided from the name, skipped ${call} (--offline)`, t.id)
        : pass(`id ${shortId(t.id)} but not ${this.name}'s naming; skipped ${call} (--offline)`, t.id)
    }
    let c: EngineContainer | null
    try {
      c = await this.inspectSettled(t.id)
    } catch (err) {
      return passAfterError(err, t.id)
    }
    if (!c) return pass(`${this.name} has no container ${shortId(t.id)} (${call}: 404)`, t.id)
    if (!c.running) return passForNow(`${this.name} container "${c.name}" is not running (status ${c.status})`, t.id)
    return accept(`running ${this.name} container "${c.name}" (${call})`, t.id, this.info(name, t.id, c))
  }

  async health(id: string): Promise<string | undefined> {
    return (await this.client.inspect(id))?.health
  }

  /** Inspect, re-asking briefly while the container is still starting (status "created"). */
  private async inspectSettled(id: string): Promise<EngineContainer | null> {
    let c = await this.client.inspect(id)
    for (const ms of STARTING_RETRIES_MS) {
      if (!c || c.running || c.status !== 'created') break
      await sleep(ms)
      c = await this.client.inspect(id)
    }
    return c
  }

  private info(name: ContainerName, id: string, c: EngineContainer): ContainerInfo {
    const info: ContainerInfo = {
      name,
      factory: this.name,
      id,
      // cAdvisor: alias 0 (the `name` label) is the container name, then the id.
      aliases: c.name ? [c.name, id] : [id],
      labels: c.labels,
      env: filterEnv(c.env, this.options.envMetadataWhitelist),
      pid: c.pid,
      restartCount: c.restartCount,
      hasNetwork: !c.networkMode.startsWith('container:'),
    }
    if (c.image) info.image = c.image
    if (c.health) info.health = c.health
    // cAdvisor walks the writable layer and, for docker, the container's directory (its logs).
    if (c.upperDir) info.writableDirs = c.logPath ? [c.upperDir, dirname(c.logPath)] : [c.upperDir]
    if (c.createdAt) info.createdAt = c.createdAt
    if (c.startedAt) info.startedAt = c.startedAt
    return info
  }
}

export class DockerFactory extends EngineFactory {
  readonly name = 'docker' as const

  protected namingHint(name: ContainerName, id: string): string | undefined {
    const base = baseName(name)
    if (base === `docker-${id}.scope`) return `systemd-driver name docker-<id>.scope`
    if (base === id && baseName(parentName(name) ?? '/') === 'docker') return 'cgroupfs-driver name …/docker/<id>'
    return undefined
  }
}
