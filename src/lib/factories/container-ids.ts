/*
 * cAdvisor's shared name test for the runtime factories (docker, podman, containerd, CRI-O):
 * take the base name (last path part); refuse `.mount` names; require a run of 64 characters
 * from [a-z0-9] somewhere in it (not anchored, and all lower-case letters, not only hex).
 * The container id is the first such run.
 */
import {parentName, type ContainerName} from '../cgroups/index.js'

const ID_RUN = /[a-z0-9]{64}/

export function baseName(name: ContainerName): string {
  if (name === '/') return '/'
  return name.slice(name.lastIndexOf('/') + 1)
}

export type IdTest = {ok: true; id: string; base: string} | {ok: false; reason: string; base: string}

export function containerIdTest(name: ContainerName): IdTest {
  const base = baseName(name)
  if (base.endsWith('.mount')) return {ok: false, base, reason: `base name "${base}" ends in .mount`}
  const m = ID_RUN.exec(base)
  if (!m) return {ok: false, base, reason: `base name "${base}" holds no 64-character [a-z0-9] id`}
  return {ok: true, id: m[0], base}
}

/** `abcdef012345…` for reasons: long ids make lines unreadable. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 12)}…` : id
}

/** True when some part of the name's parent path starts with `prefix` (`kubepods`, `kubepods.slice`). */
export function hasAncestorStartingWith(name: ContainerName, prefix: string): boolean {
  return (parentName(name) ?? '/').split('/').some((p) => p.startsWith(prefix))
}

/** Keeps only the variables whose key starts with a whitelisted prefix; none without a whitelist. */
export function filterEnv(env: readonly string[] | undefined, whitelist: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  if (!env || whitelist.length === 0) return out
  for (const kv of env) {
    const eq = kv.indexOf('=')
    const key = eq < 0 ? kv : kv.slice(0, eq)
    if (key !== '' && whitelist.some((p) => key.startsWith(p))) out[key] = eq < 0 ? '' : kv.slice(eq + 1)
  }
  return out
}
