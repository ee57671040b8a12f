/*
 * `cadv watch --resolve --kubelet-labels`: each resolved event also gets `namespace`, `pod` and
 * `container` (when known) as the kubelet labels its metrics. A pod cgroup is named after its
 * pod only when one of the pod's containers was reported before it; lines go out as things
 * happen, and the pod cgroup usually appears first.
 */
import {kubeletFields, kubeletIdentity, PodIndex, type KubeletIdentity} from '../cgroups/index.js'
import type {ContainerEvent} from '../model/index.js'

export function kubeletEventFields(): <E extends ContainerEvent>(e: E) => E & Partial<KubeletIdentity> {
  const pods = new PodIndex()
  return (e) => {
    if (e.type === 'ContainerAdd') pods.add(e.name, e.labels)
    return {...e, ...kubeletFields(kubeletIdentity(e.name, e.labels, pods))}
  }
}
