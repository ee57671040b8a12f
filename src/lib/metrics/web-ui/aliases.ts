/*
 * /docker/<id or name> and /podman/<id or name>, cAdvisor's paths: the container the runtime
 * knows by that name, full id or unique id prefix, sent on to its page. /docker/ lists the
 * runtime's containers.
 */
import type {ContainerState, ContainerView} from '../../model/index.js'

/** The shortest id prefix looked up, as `docker ps` shows ids (12) would be too strict for hand-typed ones. */
const MIN_PREFIX = 4

/** The one container of `factory` that `ref` names, or why there is none. */
export function findByAlias(view: ContainerView, factory: string, ref: string): ContainerState | string {
  const prefixed: ContainerState[] = []
  for (const c of view.containers()) {
    const info = c.info
    if (info?.factory !== factory) continue
    if (info.id === ref || info.aliases.includes(ref)) return c
    if (ref.length >= MIN_PREFIX && info.id?.startsWith(ref)) prefixed.push(c)
  }
  if (prefixed.length === 1) return prefixed[0]!
  if (prefixed.length > 1) return `${prefixed.length} ${factory} containers have ids starting with "${ref}"`
  return `no ${factory} container "${ref}"`
}
