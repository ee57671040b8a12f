import type {ContainerName} from '../cgroups/index.js'
import {ignore, pass, type Factory, type FactoryAnswer} from './factory.js'
import {baseName} from './container-ids.js'

/**
 * systemd: handles `.mount` cgroups only, to ignore them (devicemapper makes one per
 * container mount); it never tracks anything.
 */
export class SystemdFactory implements Factory {
  readonly name = 'systemd' as const

  async canHandleAndAccept(name: ContainerName): Promise<FactoryAnswer> {
    const base = baseName(name)
    if (base.endsWith('.mount')) return ignore(`"${base}" is a systemd mount unit: ignored`)
    return pass('not a .mount cgroup')
  }
}
