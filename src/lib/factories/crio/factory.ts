/*
 * CRI-O, in cAdvisor's order: `crio-conmon*` is not a container (falls through);
 * `system-systemd*` is ignored; a name not starting with `crio` or without a 64-character id
 * falls through; with CRI-O's systemd cgroup driver a name not ending in `.scope` is a pod
 * sandbox and is ignored; everything else is accepted. The decision needs only /info (the
 * cgroup driver); /containers/<id> then gives the metadata.
 */
import {parentName, type ContainerName} from '../../cgroups/index.js'
import {accept, ignore, pass, passAfterError, type Factory, type FactoryAnswer} from '../factory.js'
import {baseName, containerIdTest, shortId} from '../container-ids.js'
import type {ResolverOptions} from '../options.js'
import type {ContainerInfo} from '../../model/index.js'
import {CrioClient, type CrioContainer} from './client.js'

/** What the factory needs from its client (tests give a scripted one). */
export type CrioApi = Pick<CrioClient, 'endpoint' | 'getInfo' | 'getContainer'>

export class CrioFactory implements Factory {
  readonly name = 'crio' as const
  private readonly client: CrioApi

  constructor(
    private readonly options: ResolverOptions,
    client?: CrioApi,
  ) {
    this.client = client ?? new CrioClient(options.crio)
  }

  async canHandleAndAccept(name: ContainerName): Promise<FactoryAnswer> {
    const base = baseName(name)
    if (base.startsWith('crio-conmon')) return pass(`base name "${base}" is CRI-O's conmon, not a container`)
    const offline = this.options.offline
    const infoCall = `GET /info on ${this.client.endpoint}`
    if (base.startsWith('system-systemd')) {
      if (offline) return ignore(`base name "${base}" starts with system-systemd: ignored by CRI-O; skipped ${infoCall} (--offline)`)
      try {
        await this.client.getInfo()
      } catch (err) {
        return passAfterError(err)
      }
      return ignore(`base name "${base}" starts with system-systemd: ignored by CRI-O`)
    }
    if (!base.startsWith('crio')) return pass(`base name "${base}" does not start with "crio"`)
    const t = containerIdTest(name)
    if (!t.ok) return pass(t.reason)

    let driver: string
    let skipped = ''
    if (offline) {
      // Without /info, a systemd layout shows in the name: its parents are `.slice` units.
      driver = (parentName(name) ?? '/').split('/').some((p) => p.endsWith('.slice')) ? 'systemd' : 'cgroupfs'
      skipped = `; cgroup driver ${driver} guessed from the name, skipped ${infoCall} (--offline)`
    } else {
      try {
        driver = (await this.client.getInfo()).cgroupDriver
      } catch (err) {
        return passAfterError(err, t.id)
      }
    }
    if (driver === 'systemd' && !base.endsWith('.scope')) {
      return ignore(`pod sandbox: CRI-O uses the systemd cgroup driver and "${base}" does not end in .scope${skipped}`, t.id)
    }
    if (offline) return accept(`CRI-O container ${shortId(t.id)}${skipped}`, t.id)

    const call = `GET /containers/${shortId(t.id)} on ${this.client.endpoint}`
    let c: CrioContainer | null = null
    let note: string
    let provisional = false
    try {
      c = await this.client.getContainer(t.id)
      note = c ? `"${c.name}" (${call})` : `no metadata: ${call} gave 404`
    } catch (err) {
      note = `no metadata: ${(err as Error).message}`
      provisional = true
    }
    const a = accept(`CRI-O container ${note}`, t.id, this.info(name, t.id, c))
    return provisional ? {...a, provisional} : a
  }

  private info(name: ContainerName, id: string, c: CrioContainer | null): ContainerInfo {
    if (!c) return {name, factory: 'crio', id, aliases: [id], labels: {}, env: {}, pid: 0, hasNetwork: false}
    const restarts = Number(c.annotations['io.kubernetes.container.restartCount'] ?? 0)
    const info: ContainerInfo = {
      name,
      factory: 'crio',
      id,
      // cAdvisor: [name, id]; CRI-O has no env in its inspect API (cAdvisor has no env whitelist here either).
      aliases: c.name ? [c.name, id] : [id],
      labels: c.labels,
      env: {},
      pid: c.pid,
      restartCount: Number.isFinite(restarts) ? restarts : 0,
      // Only the pod's infra container (POD) owns the network namespace.
      hasNetwork: c.labels['io.kubernetes.container.name'] === 'POD',
    }
    if (c.image) info.image = c.image
    if (c.createdAt) info.createdAt = c.createdAt
    return info
  }
}
