/*
 * Kubernetes flags: `--kubelet-labels` on `cadv serve` (series labelled as the kubelet's
 * /metrics/cadvisor labels them) and on `cadv watch --resolve` (the same three names as fields).
 */
import {Flags} from '@oclif/core'

export const kubernetesServeFlags = {
  'kubelet-labels': Flags.boolean({
    description:
      "Label series as the kubelet's /metrics/cadvisor does: namespace, pod and container from the io.kubernetes.* runtime labels (a pod cgroup gets its pod's); container_label_* are dropped except --whitelisted-container-labels keys. The JSON API adds the same three fields.",
  }),
}

export const kubernetesWatchFlags = {
  'kubelet-labels': Flags.boolean({
    description:
      'With --resolve: add "namespace", "pod" and "container" from the io.kubernetes.* runtime labels, as the kubelet labels its metrics.',
    dependsOn: ['resolve'],
  }),
}
