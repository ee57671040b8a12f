/**
 * cAdvisor's own Kubernetes example arguments (deploy/kubernetes/overlays/examples/
 * cadvisor-args.yaml at 6a0c4f25, shared/reference/compat.md), one argv element each as a
 * container's args list gives them: note the space inside the last value.
 */
export const KUBERNETES_EXAMPLE_ARGS = [
  '--housekeeping_interval=10s',
  '--max_housekeeping_interval=15s',
  '--event_storage_event_limit=default=0',
  '--event_storage_age_limit=default=0',
  '--enable_metrics=app,cpu,disk,diskIO,memory,network,process',
  '--docker_only',
  '--store_container_labels=false',
  '--whitelisted_container_labels=io.kubernetes.container.name, io.kubernetes.pod.name,io.kubernetes.pod.namespace',
]
