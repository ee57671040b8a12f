/*
 * Kubernetes flags: `--kubelet-labels` on `cadv serve` (series labelled as the kubelet's
 * /metrics/cadvisor labels them) and on `cadv watch --resolve` (the same three names as fields).
 */
import * as Flags from '@oclif/core/flags'

export const kubernetesServeFlags = {
  'kubelet-labels': Flags.boolean({
    summary: "Label series as the kubelet's /metrics/cadvisor does (namespace, pod, container).",
    description:
      "Label every series as the kubelet's `/metrics/cadvisor` does: `id`, `name`, `image`, and `namespace`, `pod`, `container` from the runtime labels `io.kubernetes.pod.namespace`, `io.kubernetes.pod.name`, `io.kubernetes.container.name`. A pod cgroup (`/kubepods/<qos>/pod<uid>`, or its systemd slice) gets the namespace and pod of its containers; QoS cgroups and cgroups outside Kubernetes get none. `container_label_*` are dropped, as the kubelet drops them, except the keys named in `--whitelisted-container-labels`; `container_env_*` (only ever there for `--env-metadata-whitelist`) stay. The JSON API adds `namespace`, `pod` and `container` fields where known. The `remote-write` storage driver sends the same label sets; the six labels that are empty are left out there (the protocol forbids empty values) but still keep an external label of their name off the series. The other storage drivers keep cAdvisor's shapes, which have no such labels: influxdb's tags carry the runtime labels `io.kubernetes.*` as cAdvisor's do; stdout, redis and statsd name a container only.",
  }),
}

export const kubernetesWatchFlags = {
  'kubelet-labels': Flags.boolean({
    summary: 'With --resolve: add "namespace", "pod" and "container" from the io.kubernetes.* runtime labels.',
    description:
      'With `--resolve`: add `"namespace"`, `"pod"` and `"container"` from the runtime labels `io.kubernetes.pod.namespace`, `io.kubernetes.pod.name` and `io.kubernetes.container.name`, as the kubelet labels its metrics. A pod cgroup gets its pod\'s names only when one of its containers was reported before it (lines are written as things happen, and a pod cgroup usually comes first).',
    dependsOn: ['resolve'],
  }),
}
