import type {ContainerName} from '../../cgroups/index.js'
import {EngineFactory} from '../docker/factory.js'
import {parentName} from '../../cgroups/index.js'
import {baseName} from '../container-ids.js'

/**
 * podman: the docker rules through the Docker-compatible API, after one podman-only step:
 * a rootless container's cgroup ends in a `container` leaf (`…/libpod-<id>.scope/container`),
 * which is dropped before the id test. podman's conmon (`/libpod_parent/conmon`) has no id
 * and falls through to raw.
 */
export class PodmanFactory extends EngineFactory {
  readonly name = 'podman' as const

  protected override candidateName(name: ContainerName): ContainerName {
    return baseName(name) === 'container' ? (parentName(name) ?? name) : name
  }

  protected namingHint(name: ContainerName, id: string): string | undefined {
    const base = baseName(name)
    if (base === `libpod-${id}.scope`) return 'systemd-manager name libpod-<id>.scope'
    if (base === `libpod-${id}`) return 'cgroupfs-manager name libpod-<id>'
    return undefined
  }
}
