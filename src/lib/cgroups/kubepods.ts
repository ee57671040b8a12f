/*
 * What a cgroup name says about Kubernetes. The kubelet puts every pod under one `kubepods`
 * cgroup, grouped by QoS class, spelled by its cgroup driver:
 *
 *   cgroupfs  /kubepods/<qos>/pod<uid>/<container>          guaranteed: /kubepods/pod<uid>/<container>
 *   systemd   /kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid>.slice/<runtime>-<id>.scope
 *             (guaranteed: /kubepods.slice/kubepods-pod<uid>.slice/…; `-` of the uid written `_`)
 *
 * The same names on cgroup v1 (in every hierarchy), v2 and hybrid hosts. With the kubelet's
 * --cgroup-root the tree sits lower: /kubelet/kubepods/…, or with systemd
 * /kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/… (every slice
 * repeats its parents' names, which is how systemd spells nesting).
 *
 * Also here: the three runtime labels the kubelet puts on every container it creates, and a
 * pod index, because the kubelet's /metrics/cadvisor gives a pod-level cgroup (which no
 * runtime knows) the namespace and name of its pod.
 */
import type {ContainerName, KubernetesPlacement} from '../model/index.js'

export type QosClass = 'guaranteed' | 'burstable' | 'besteffort'

/** kubepods: the top; qos: a QoS class cgroup; pod: a pod cgroup; container: below a pod. */
export type KubepodsLevel = 'kubepods' | 'qos' | 'pod' | 'container'

export interface KubepodsPlace {
  driver: 'cgroupfs' | 'systemd'
  level: KubepodsLevel
  /** Absent at level `kubepods`. */
  qos?: QosClass
  /** The pod's uid as the API server has it (dashes, not underscores); levels pod and container. */
  podUid?: string
  /** The pod's cgroup; levels pod and container. */
  podCgroup?: ContainerName
}

const CGROUPFS_QOS = new Set(['burstable', 'besteffort'])
const CGROUPFS_POD = /^pod([0-9a-fA-F][0-9a-fA-F-]*)$/

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Where `name` sits in a kubelet's cgroup tree, or undefined when it is not under `kubepods`.
 * Strict about spelling, as the kubelet is: `/kubepods/podX` is a pod only when X looks like a
 * uid, and a systemd slice only when it repeats its parent's name.
 */
export function kubepodsPlace(name: ContainerName): KubepodsPlace | undefined {
  const parts = name.split('/').slice(1)
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!
    if (p === 'kubepods') return placeBelow('cgroupfs', parts, i)
    if (p === 'kubepods.slice' || p.endsWith('-kubepods.slice')) return placeBelow('systemd', parts, i)
  }
  return undefined
}

function placeBelow(driver: 'cgroupfs' | 'systemd', parts: string[], top: number): KubepodsPlace {
  const at = (n: number): ContainerName => `/${parts.slice(0, n + 1).join('/')}`
  const rest = parts.slice(top + 1)
  if (rest.length === 0) return {driver, level: 'kubepods'}
  // The prefix every systemd slice below repeats: `kubepods` or `kubelet-kubepods`.
  const prefix = driver === 'systemd' ? parts[top]!.slice(0, -'.slice'.length) : ''
  let qos: QosClass = 'guaranteed'
  let podIndex = top + 1
  if (driver === 'cgroupfs') {
    if (CGROUPFS_QOS.has(rest[0]!)) {
      qos = rest[0] as QosClass
      podIndex++
    }
  } else {
    const m = new RegExp(`^${escapeRe(prefix)}-(burstable|besteffort)\\.slice$`).exec(rest[0]!)
    if (m) {
      qos = m[1] as QosClass
      podIndex++
    }
  }
  const podPart = parts[podIndex]
  if (podPart === undefined) return {driver, level: 'qos', qos}
  let uid: string | undefined
  if (driver === 'cgroupfs') uid = CGROUPFS_POD.exec(podPart)?.[1]
  else {
    const slice = qos === 'guaranteed' ? prefix : `${prefix}-${qos}`
    uid = new RegExp(`^${escapeRe(slice)}-pod([0-9a-fA-F][0-9a-fA-F_]*)\\.slice$`).exec(podPart)?.[1]?.replaceAll('_', '-')
  }
  // Something under a QoS cgroup that is not a pod: the kubelet makes no such thing, so it is
  // treated as part of the QoS level rather than guessed at.
  if (uid === undefined) return {driver, level: 'qos', qos}
  const level: KubepodsLevel = podIndex === parts.length - 1 ? 'pod' : 'container'
  return {driver, level, qos, podUid: uid, podCgroup: at(podIndex)}
}

/**
 * What `cadv resolve` says about a name under kubepods: its place, and the namespace, pod and
 * container from the runtime labels of the container there (when a runtime described it).
 */
export function kubernetesPlacement(name: ContainerName, labels?: Readonly<Record<string, string>>): KubernetesPlacement | undefined {
  const p = kubepodsPlace(name)
  if (!p) return undefined
  const out: KubernetesPlacement = {driver: p.driver, level: p.level}
  if (p.qos) out.qos = p.qos
  if (p.podUid) out.podUid = p.podUid
  if (labels) Object.assign(out, kubeletFields(kubeletIdentity(name, labels)))
  return out
}

/** The runtime labels the kubelet sets on every container and pod sandbox it creates. */
export const KUBE_LABEL = {
  namespace: 'io.kubernetes.pod.namespace',
  pod: 'io.kubernetes.pod.name',
  podUid: 'io.kubernetes.pod.uid',
  container: 'io.kubernetes.container.name',
} as const

/** A container's place in Kubernetes as the kubelet labels it: '' where unknown. */
export interface KubeletIdentity {
  namespace: string
  pod: string
  container: string
}

export interface PodRef {
  namespace: string
  pod: string
}

/**
 * Pods by uid, learnt from the containers that carry the kubelet's labels (the pod sandbox
 * does, as soon as it runs). The kubelet asks its own pod list instead; without a kubelet,
 * the pod's containers are the only place the names are written.
 */
export class PodIndex {
  private readonly byUid = new Map<string, PodRef>()

  /** Records the pod of a container, from its runtime labels (and its cgroup name for the uid). */
  add(name: ContainerName, labels: Readonly<Record<string, string>> | undefined): void {
    if (!labels) return
    const pod = labels[KUBE_LABEL.pod]
    const namespace = labels[KUBE_LABEL.namespace]
    if (!pod && !namespace) return
    const uid = labels[KUBE_LABEL.podUid] || kubepodsPlace(name)?.podUid
    if (uid) this.byUid.set(uid, {namespace: namespace ?? '', pod: pod ?? ''})
  }

  get(uid: string): PodRef | undefined {
    return this.byUid.get(uid)
  }

  get size(): number {
    return this.byUid.size
  }
}

/**
 * namespace, pod and container as the kubelet's /metrics/cadvisor gives them: from the
 * container's own runtime labels; a container with neither pod nor namespace label that is a
 * pod cgroup gets its pod's names from the index (container stays ''); anything else, the
 * QoS and kubepods cgroups included, gets ''.
 */
export function kubeletIdentity(
  name: ContainerName,
  runtimeLabels: Readonly<Record<string, string>> | undefined,
  pods?: PodIndex,
): KubeletIdentity {
  const labels = runtimeLabels ?? {}
  const id: KubeletIdentity = {
    namespace: labels[KUBE_LABEL.namespace] ?? '',
    pod: labels[KUBE_LABEL.pod] ?? '',
    container: labels[KUBE_LABEL.container] ?? '',
  }
  if (id.pod === '' && id.namespace === '' && pods && pods.size > 0) {
    const place = kubepodsPlace(name)
    const ref = place?.level === 'pod' ? pods.get(place.podUid!) : undefined
    if (ref) {
      id.namespace = ref.namespace
      id.pod = ref.pod
    }
  }
  return id
}

/** The identity's non-empty parts, for JSON outputs (where a missing field and '' mean the same). */
export function kubeletFields(k: KubeletIdentity): Partial<KubeletIdentity> {
  const out: Partial<KubeletIdentity> = {}
  if (k.namespace) out.namespace = k.namespace
  if (k.pod) out.pod = k.pod
  if (k.container) out.container = k.container
  return out
}
