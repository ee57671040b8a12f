import {CgroupDiscoveryError, type CgroupLayout, type Hierarchy} from './layout.js'

/**
 * The hierarchies to watch. Explicit ids (`--hierarchy cpu,cpuacct --hierarchy unified`) are
 * taken as given; a controller name also selects the hierarchy that carries it (`cpuacct`
 * finds `cpu,cpuacct` on a co-mounted host). Without ids: on v2 the one tree; on v1 and
 * hybrid the v1 hierarchies that carry one of `controllers` (those the enabled metric kinds
 * need, as cAdvisor does).
 * Named hierarchies (name=systemd) are watched only when asked for.
 */
export function selectHierarchies(layout: CgroupLayout, controllers: ReadonlySet<string>, ids: readonly string[] = []): Hierarchy[] {
  const wanted = ids
    .flatMap((v) => v.split(/\s+/))
    .map((v) => v.trim())
    .filter(Boolean)
  if (wanted.length > 0) {
    const chosen = new Set<Hierarchy>()
    for (const id of wanted) {
      const h =
        layout.hierarchies.find((x) => x.id === id || x.name === id) ??
        layout.hierarchies.find((x) => x.version === 1 && x.controllers.includes(id))
      if (!h) {
        throw new CgroupDiscoveryError(`--hierarchy ${id}: no such hierarchy (available: ${layout.hierarchies.map((x) => x.id).join(' ')})`)
      }
      chosen.add(h)
    }
    return layout.hierarchies.filter((h) => chosen.has(h))
  }
  if (layout.mode === 'v2') return layout.hierarchies.filter((h) => h.version === 2)
  const v1 = layout.hierarchies.filter((h) => h.version === 1 && h.controllers.some((c) => controllers.has(c)))
  // A v1 host that mounts none of the needed controllers still has containers to find.
  return v1.length > 0 ? v1 : layout.hierarchies.filter((h) => h.version === 1 && h.controllers.length > 0)
}
