/*
 * containerd: cAdvisor's rule is the shared id test, then Containers.Get in the configured
 * namespace; found → accepted (no running check), not found or unreachable → falls through.
 * Tasks.Get then gives the pid. The gRPC client is imported on first use, so commands that
 * never reach this factory (or run --offline) do not pay for loading grpc-js.
 */
import {statSync} from 'node:fs'

import {parentName, type ContainerName} from '../../cgroups/index.js'
import {accept, pass, passAfterError, type Factory, type FactoryAnswer} from '../factory.js'
import {baseName, containerIdTest, filterEnv, hasAncestorStartingWith, shortId} from '../container-ids.js'
import type {ResolverOptions} from '../options.js'
import type {ContainerInfo} from '../../model/index.js'
import type {ContainerdClient, ContainerdContainer} from './client.js'

/** What the factory needs from its client (tests give a scripted one). */
export type ContainerdApi = Pick<ContainerdClient, 'getContainer' | 'getTask' | 'close'>

export class ContainerdFactory implements Factory {
  readonly name = 'containerd' as const
  private client: Promise<ContainerdApi> | undefined
  private readonly injected: boolean

  constructor(
    private readonly options: ResolverOptions,
    client?: ContainerdApi,
  ) {
    this.injected = client !== undefined
    if (client) this.client = Promise.resolve(client)
  }

  private get ns(): string {
    return this.options.containerd.namespace
  }

  async canHandleAndAccept(name: ContainerName): Promise<FactoryAnswer> {
    const t = containerIdTest(name)
    if (!t.ok) return pass(t.reason)
    const call = `Containers.Get(${shortId(t.id)}) in namespace ${this.ns} on ${this.options.containerd.endpoint}`
    if (this.options.offline) {
      const hint = this.namingHint(name, t.id)
      return hint
        ? accept(`${hint}; decided from the name, skipped ${call} (--offline)`, t.id)
        : pass(`id ${shortId(t.id)} but not containerd's naming; skipped ${call} (--offline)`, t.id)
    }
    const missing = this.missingSocket()
    // No socket: containerd is not installed here, a lasting answer.
    if (missing) return {...pass(missing, t.id), unreachable: true}
    let client: ContainerdApi
    let c: ContainerdContainer | null
    try {
      client = await this.getClient()
      c = await client.getContainer(t.id)
    } catch (err) {
      return passAfterError(err, t.id)
    }
    if (!c) return pass(`containerd has no container ${shortId(t.id)} in namespace ${this.ns} (${call}: NOT_FOUND)`, t.id)
    let pid = 0
    let task: string
    let provisional = false
    try {
      const tk = await client.getTask(t.id)
      pid = tk?.pid ?? 0
      task = tk ? `task ${tk.status.toLowerCase()}, pid ${pid}` : 'no task'
    } catch (err) {
      task = `Tasks.Get failed: ${(err as Error).message}`
      provisional = true
    }
    const a = accept(`containerd container in namespace ${this.ns}, ${task} (${call})`, t.id, this.info(name, t.id, c, pid))
    return provisional ? {...a, provisional} : a
  }

  close(): void {
    void this.client?.then((c) => c.close()).catch(() => {})
  }

  /**
   * A socket path that does not exist means containerd is not there: say so without loading
   * grpc-js (about 150 ms) only to learn the same. Other endpoints go through the client.
   */
  private missingSocket(): string | undefined {
    if (this.injected) return undefined
    const ep = this.options.containerd.endpoint
    const path = ep.startsWith('unix://') ? ep.slice('unix://'.length) : ep.startsWith('/') ? ep : undefined
    if (path === undefined) return undefined
    try {
      statSync(path)
      return undefined
    } catch (err) {
      return `unreachable: ${ep} (connect ${(err as NodeJS.ErrnoException).code ?? 'error'})`
    }
  }

  private getClient(): Promise<ContainerdApi> {
    this.client ??= import('./client.js').then((m) => new m.ContainerdClient(this.options.containerd))
    return this.client
  }

  private namingHint(name: ContainerName, id: string): string | undefined {
    const base = baseName(name)
    if (base === `cri-containerd-${id}.scope`) return 'systemd-driver name cri-containerd-<id>.scope'
    if (base !== id) return undefined
    if (hasAncestorStartingWith(name, 'kubepods')) return 'CRI cgroupfs name /kubepods/…/<id>'
    // ctr's default cgroup is /<namespace>/<id>, also found under a parent (…/<namespace>/<id>).
    if (baseName(parentName(name) ?? '/') === this.ns) return `namespace name …/${this.ns}/<id>`
    return undefined
  }

  private info(name: ContainerName, id: string, c: ContainerdContainer, pid: number): ContainerInfo {
    const kind = c.labels['io.cri-containerd.kind']
    const info: ContainerInfo = {
      name,
      factory: 'containerd',
      id,
      // cAdvisor: [id, cgroup name], so the `name` label is the id.
      aliases: [id, name],
      labels: c.labels,
      // containerd keeps env keys' case (docker's are lower-cased by cAdvisor's metrics only).
      env: filterEnv(c.env, this.options.envMetadataWhitelist),
      pid,
      // CRI: only the pod sandbox (pause) owns the network namespace; non-CRI containers own theirs.
      hasNetwork: kind === undefined || kind === 'sandbox',
    }
    if (c.image) info.image = c.image
    if (c.createdAt) info.createdAt = c.createdAt
    return info
  }
}
