/*
 * The labels of one container's series: `id`, `name`, `image`, `container_label_<key>` and
 * (only when whitelisted by the factories) `container_env_<key>`. Unlike cAdvisor, a series
 * carries only its own container's labels: no union of every container's keys filled with
 * empty values (cAdvisor #2313, #1447).
 */
import {KUBE_LABEL, kubeletIdentity, kubepodsPlace, PodIndex} from '../cgroups/index.js'
import {escapeLabelValue, labelPairs, sanitizeLabelName, type ContainerState} from '../model/index.js'

export interface LabelOptions {
  /** cAdvisor's --store_container_labels: every runtime label becomes a series label (default true). */
  storeContainerLabels: boolean
  /** With storeContainerLabels off: the raw runtime label keys that are kept. */
  whitelistedLabels: readonly string[]
  /** --kubelet-labels: the label set of the kubelet's /metrics/cadvisor (kubeletLabelPairs). */
  kubelet?: boolean
}

export const DEFAULT_LABEL_OPTIONS: LabelOptions = {storeContainerLabels: true, whitelistedLabels: []}

/**
 * Adds `prefix + sanitized key` pairs in sorted key order, so that when two keys sanitize to
 * the same name (`a.b` and `a_b`) the first in sort order wins: deterministic, unlike
 * cAdvisor's map-order choice.
 */
function addPrefixed(
  pairs: Array<[string, string]>,
  seen: Set<string>,
  prefix: string,
  entries: Record<string, string>,
  keep?: (key: string) => boolean,
): void {
  for (const key of Object.keys(entries).sort()) {
    if (keep && !keep(key)) continue
    const name = prefix + sanitizeLabelName(key)
    if (seen.has(name)) continue
    seen.add(name)
    pairs.push([name, entries[key]!])
  }
}

const LOWER_CASE_ENV = new Set(['docker', 'podman'])

/** Keys lower-cased; of two keys that differ only in case, the first in sort order wins. */
function lowerCaseKeys(entries: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of Object.keys(entries).sort()) {
    const lower = key.toLowerCase()
    if (!(lower in out)) out[lower] = entries[key]!
  }
  return out
}

/** The label pairs of a container, in exposition order. */
export function containerLabelPairs(state: ContainerState, options: LabelOptions): Array<[string, string]> {
  const info = state.info
  const pairs: Array<[string, string]> = [
    ['id', state.name],
    ['name', info?.aliases[0] ?? ''],
    ['image', info?.image ?? ''],
  ]
  if (!info) return pairs
  const seen = new Set<string>()
  const labels: Record<string, string> = {...info.labels}
  // cAdvisor's docker and podman handlers add the restart count as a synthetic runtime label,
  // and only once the container has restarted.
  if (info.restartCount !== undefined && info.restartCount > 0 && !('restartcount' in labels))
    labels.restartcount = String(info.restartCount)
  if (options.storeContainerLabels) {
    addPrefixed(pairs, seen, 'container_label_', labels)
  } else {
    const keep = new Set(options.whitelistedLabels)
    addPrefixed(pairs, seen, 'container_label_', labels, (k) => keep.has(k))
  }
  // The factories pass on only variables matching --env-metadata-whitelist; empty by default.
  // cAdvisor's docker and podman handlers lower-case the keys (container_env_cadv_env);
  // containerd's keep their case.
  addPrefixed(pairs, seen, 'container_env_', LOWER_CASE_ENV.has(info.factory) ? lowerCaseKeys(info.env) : info.env)
  return pairs
}

/** The six labels the kubelet writes on every series, empty or not: the first pairs of kubeletLabelPairs. */
export const KUBELET_FIXED = 6

/** Pods by uid, from the runtime labels of these containers: where a pod cgroup's names come from. */
export function podIndexOf(states: Iterable<ContainerState>): PodIndex {
  const pods = new PodIndex()
  for (const s of states) pods.add(s.name, s.info?.labels)
  return pods
}

/**
 * The uid of a pod cgroup that carries no pod labels of its own (its names come from a
 * PodIndex), else null: under --kubelet-labels, the one container whose labels depend on
 * other containers.
 */
export function podCgroupUid(state: ContainerState): string | null {
  const labels = state.info?.labels
  if (labels && (labels[KUBE_LABEL.pod] || labels[KUBE_LABEL.namespace])) return null
  const place = kubepodsPlace(state.name)
  return place?.level === 'pod' ? place.podUid! : null
}

/**
 * The kubelet's /metrics/cadvisor label set: `id`, `name`, `image`, and `namespace`, `pod`,
 * `container` from the runtime labels the kubelet puts on what it creates (a pod cgroup gets
 * its pod's names from `pods`; QoS cgroups and everything outside Kubernetes get none). The
 * kubelet drops every `container_label_*`; so does this, except the keys the user named in
 * --whitelisted-container-labels. `container_env_*` exist only for variables the user named in
 * --env-metadata-whitelist, and are kept.
 */
export function kubeletLabelPairs(state: ContainerState, options: LabelOptions, pods?: PodIndex): Array<[string, string]> {
  const info = state.info
  const k = kubeletIdentity(state.name, info?.labels, pods)
  const pairs: Array<[string, string]> = [
    ['id', state.name],
    ['name', info?.aliases[0] ?? ''],
    ['image', info?.image ?? ''],
    ['namespace', k.namespace],
    ['pod', k.pod],
    ['container', k.container],
  ]
  if (!info) return pairs
  const seen = new Set<string>()
  if (options.whitelistedLabels.length > 0) {
    const keep = new Set(options.whitelistedLabels)
    addPrefixed(pairs, seen, 'container_label_', info.labels, (key) => keep.has(key))
  }
  addPrefixed(pairs, seen, 'container_env_', info.env)
  return pairs
}

/**
 * The rendered `k="v",…` label string of a container (empty values left out). `pods` is
 * what a pod cgroup's names come from under options.kubelet.
 *
 * Under options.kubelet the six labels of the kubelet's set are written even when empty, as
 * the kubelet writes them: Prometheus scraping with honor_labels (as kube-prometheus scrapes
 * the kubelet) adds its target's own `namespace`, `pod` and `container` to a series that lacks
 * them, and an empty label is what stops it.
 */
export function containerLabels(state: ContainerState, options: LabelOptions, pods?: PodIndex): string {
  if (!options.kubelet) return labelPairs(containerLabelPairs(state, options))
  const pairs = kubeletLabelPairs(state, options, pods)
  const fixed = pairs
    .slice(0, KUBELET_FIXED)
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(',')
  const rest = labelPairs(pairs.slice(KUBELET_FIXED))
  return rest === '' ? fixed : `${fixed},${rest}`
}
