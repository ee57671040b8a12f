/*
 * cAdvisor's lookup of a container by a runtime's name for it (docker, podman): an exact alias
 * (the container's name or full id) first, else the one container that has an alias starting
 * with it. The REST API (/api/v1.3/docker/<x>, type=docker) and the web UI (/docker/<x>) answer
 * the same way.
 */
import type {ContainerState, ContainerView} from '../model/index.js'

export type AliasNamespace = 'docker' | 'podman'

export type AliasLookup = {found: ContainerState} | {ambiguous: number} | {missing: true}

export function containersOf(view: ContainerView, namespace: AliasNamespace): ContainerState[] {
  return [...view.containers()].filter((c) => c.info?.factory === namespace)
}

export function lookupAlias(view: ContainerView, namespace: AliasNamespace, alias: string): AliasLookup {
  const candidates = containersOf(view, namespace)
  const exact = candidates.find((c) => c.info!.aliases.includes(alias))
  if (exact) return {found: exact}
  const prefixed = alias === '' ? [] : candidates.filter((c) => c.info!.aliases.some((a) => a.startsWith(alias)))
  if (prefixed.length === 1) return {found: prefixed[0]!}
  return prefixed.length > 1 ? {ambiguous: prefixed.length} : {missing: true}
}
