import type {ContainerName} from '../cgroups/index.js'
import {accept, ignore, type Factory, type FactoryAnswer} from './factory.js'
import type {ResolverOptions} from './options.js'
import type {ContainerInfo} from '../model/index.js'

/**
 * raw, always last, with cAdvisor's semantics: `/` is always accepted; with --docker-only and
 * no whitelist every other raw cgroup is ignored; otherwise a name is accepted when it starts
 * with one of the --raw-cgroup-prefix-whitelist prefixes (plain string prefixes), and an
 * empty whitelist accepts everything. So a whitelist restricts raw cgroups even without
 * --docker-only, and --docker-only never hides podman, containerd or CRI-O containers.
 */
export class RawFactory implements Factory {
  readonly name = 'raw' as const

  constructor(private readonly options: ResolverOptions) {}

  async canHandleAndAccept(name: ContainerName): Promise<FactoryAnswer> {
    if (name === '/') return accept('the root cgroup is always tracked', undefined, rawInfo(name))
    const list = this.options.rawCgroupPrefixWhitelist
    if (list.length === 0) {
      if (this.options.dockerOnly) return ignore('raw cgroup ignored: --docker-only without --raw-cgroup-prefix-whitelist')
      return accept('raw cgroup (no --raw-cgroup-prefix-whitelist: every cgroup is tracked)', undefined, rawInfo(name))
    }
    const hit = list.find((p) => name.startsWith(p))
    if (hit !== undefined) return accept(`raw cgroup under whitelisted prefix "${hit}"`, undefined, rawInfo(name))
    return ignore(`raw cgroup ignored: not under any --raw-cgroup-prefix-whitelist prefix (${list.join(', ')})`)
  }
}

export function rawInfo(name: ContainerName): ContainerInfo {
  // The root's network is the host's, read through pid 1; other raw cgroups have no pid.
  return {name, factory: 'raw', aliases: [], labels: {}, env: {}, pid: name === '/' ? 1 : 0, hasNetwork: name === '/'}
}
