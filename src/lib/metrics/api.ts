/*
 * cadv's own JSON API: /api/v1/containers (every container with its latest sample) and
 * /api/v1/containers/<name>?count=N (recent samples, oldest first), or ?since=<ms> (the samples
 * taken after that time: what a page that polls has not seen yet, however long it slept).
 * <name> is the cgroup name, or a runtime name or id. Fields: cadv-serve(1), CONTAINERS API.
 */
import {kubeletFields, kubeletIdentity, type PodIndex} from '../cgroups/index.js'
import type {ContainerState, ContainerView, Sample} from '../model/index.js'
import {sendJson, type Route} from './http.js'
import {podIndexOf} from './labels.js'

const BASE = '/api/v1/containers'

export interface ContainersApiOptions {
  /** --kubelet-labels: each container also gets `namespace`, `pod` and `container` (when known), as the kubelet labels it. */
  kubelet?: boolean
}

/**
 * A container for the JSON API, with its last `count` samples (-1: all retained), oldest first.
 * With `pods` (--kubelet-labels) it carries namespace, pod and container too.
 */
export function containerJson(c: ContainerState, count: number, pods?: PodIndex, sinceMs?: number) {
  let samples: readonly Sample[] = count === -1 ? c.samples.slice() : count === 0 ? [] : c.samples.slice(-count)
  if (sinceMs !== undefined) samples = samplesAfter(samples, sinceMs)
  return {
    name: c.name,
    factory: c.info?.factory ?? null,
    id: c.info?.id ?? null,
    aliases: c.info?.aliases ?? [],
    image: c.info?.image ?? null,
    labels: c.info?.labels ?? {},
    ...(pods ? kubeletFields(kubeletIdentity(c.name, c.info?.labels, pods)) : {}),
    firstSeen: new Date(c.firstSeenMs).toISOString(),
    spec: c.spec ?? null,
    samples,
  }
}

/** The samples taken after `ms` (oldest first, as stored). */
function samplesAfter(samples: readonly Sample[], ms: number): readonly Sample[] {
  let i = samples.length
  while (i > 0 && samples[i - 1]!.timestampMs > ms) i--
  return i === 0 ? samples : samples.slice(i)
}

/**
 * The containers a path names: the cgroup name first (`/docker/<id>`); failing that a
 * runtime name (`/web`, docker's name) or an id, whole or its first 12 or more characters,
 * as `docker stats` takes them.
 */
function lookup(view: ContainerView, name: string): ContainerState[] {
  const exact = view.get(name)
  if (exact) return [exact]
  const word = name.slice(1)
  if (word === '' || word.includes('/')) return []
  const byId = (id: string | undefined): boolean => id !== undefined && (id === word || (word.length >= 12 && id.startsWith(word)))
  return [...view.containers()].filter((c) => c.info?.aliases.includes(word) || byId(c.info?.id))
}

export function containersApi(view: ContainerView, options: ContainersApiOptions = {}): Route {
  return {
    matches: (path) => path === BASE || path.startsWith(`${BASE}/`),
    handle(_req, res, url) {
      const rest = url.pathname.slice(BASE.length)
      const pods = options.kubelet ? podIndexOf(view.containers()) : undefined
      if (rest === '') {
        const list = [...view.containers()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        sendJson(
          res,
          200,
          list.map((c) => containerJson(c, 1, pods)),
        )
        return
      }
      // /api/v1/containers/<name>: the rest is the container name, `/` for the root container.
      let name: string
      try {
        name = decodeURIComponent(rest)
      } catch {
        sendJson(res, 400, {error: 'bad container name encoding'})
        return
      }
      if (name.length > 1 && name.endsWith('/')) name = name.slice(0, -1)
      const found = lookup(view, name)
      if (found.length !== 1) {
        if (found.length === 0) sendJson(res, 404, {error: `no container ${name} (a cgroup name, a runtime name or an id)`})
        else
          sendJson(res, 409, {
            error: `${name.slice(1)} names ${found.length} containers; ask by cgroup name`,
            names: found.map((c) => c.name),
          })
        return
      }
      const state = found[0]!
      const params = url.searchParams
      // With `since` and no count, every retained sample after it: a poller catches up whole.
      const count = params.has('count') ? Number(params.get('count')) : params.has('since') ? -1 : 60
      if (!Number.isInteger(count) || count < -1) {
        sendJson(res, 400, {error: 'count must be an integer ≥ -1 (-1: all samples)'})
        return
      }
      const since = params.has('since') ? Number(params.get('since')) : undefined
      if (since !== undefined && !Number.isFinite(since)) {
        sendJson(res, 400, {error: 'since must be a time in ms since the epoch'})
        return
      }
      sendJson(res, 200, containerJson(state, count, pods, since))
    },
  }
}
