import {Flags} from '@oclif/core'

import {cadvVersion, runServe} from '../lib/app/index.js'
import {
  CadvCommand,
  compatFlags,
  durationFlag,
  eventsFlags,
  endpointFlags,
  envMetadataFlags,
  housekeepingFlags,
  kubernetesServeFlags,
  runtimeFlags,
  serveCommandLine,
  type CommandFlag,
  webUiFlags,
} from '../lib/cli/index.js'

export default class Serve extends CadvCommand {
  static override summary = "Serve Prometheus metrics with cAdvisor's names, a health check and a JSON API."

  static override description = `Watches cgroups, collects every container's statistics on the housekeeping schedule and serves them:
<telemetry-path> (Prometheus text 0.0.4 or OpenMetrics 1.0, by the Accept header), a web UI with live charts at /containers/ (/ leads a browser there; /docker/<name> and /podman/<name> find a container's page), /healthz, cAdvisor's REST API under /api/ (v1.0-v1.3, v2.0, v2.1: machine, containers, stats, spec, summary, ps, storage, events with stream=true), and cadv's own JSON for the web UI: /api/v1/stats (every container's cadv stats row) and /api/v1/machine.
Scrapes read what housekeeping stored; they never read cgroups themselves. Listens on 127.0.0.1 only unless told otherwise: exposing the host's container inventory is opt-in.`

  static override examples = [
    {
      description: 'Serve on 127.0.0.1:8080 and scrape it',
      command: '<%= config.bin %> <%= command.id %> &\ncurl -s localhost:8080/metrics | grep container_cpu_usage_seconds_total',
    },
    {
      description: 'Listen on every interface, with TLS and basic auth from an exporter-toolkit web config',
      command: '<%= config.bin %> <%= command.id %> --listen :8080 --web-config-file /etc/cadv/web.yml',
    },
    {
      description: 'One exposition for the textfile-collector pattern',
      command:
        '<%= config.bin %> <%= command.id %> --once > /var/lib/node_exporter/cadv.prom.$$ && mv /var/lib/node_exporter/cadv.prom.$$ /var/lib/node_exporter/cadv.prom',
    },
    {
      description: "On a Kubernetes node: the kubelet's label set (namespace, pod, container), also served at /metrics/cadvisor",
      command: '<%= config.bin %> <%= command.id %> --listen :8080 --kubelet-labels',
    },
    {
      description: 'Only CPU and memory, Kubernetes labels only',
      command:
        '<%= config.bin %> <%= command.id %> --enable-metrics cpu,memory --no-store-container-labels --whitelisted-container-labels io.kubernetes.pod.name,io.kubernetes.pod.namespace',
    },
  ]

  static override flags = {
    ...housekeepingFlags,
    ...runtimeFlags,
    ...eventsFlags,
    ...compatFlags,
    ...envMetadataFlags,
    ...kubernetesServeFlags,
    ...webUiFlags,
    ...endpointFlags,
    listen: Flags.string({
      description: 'Address to listen on: host:port, :port for every interface, [::1]:port (repeatable).',
      multiple: true,
      default: ['127.0.0.1:8080'],
    }),
    'telemetry-path': Flags.string({description: 'Path of the metrics endpoint.', default: '/metrics'}),
    'web-config-file': Flags.string({
      description:
        'Prometheus exporter-toolkit web config (YAML): TLS, client certificates, basic auth with bcrypt hashes; re-read when it changes.',
    }),
    'max-requests': Flags.integer({description: 'Most scrapes served at once; more get 503 (0: no limit).', default: 40, min: 0}),
    'request-timeout': durationFlag({description: 'Longest a request may take to arrive and be answered.', default: '30s', minMs: 1}),
    'enable-metrics': Flags.string({
      description:
        'Only these metric kinds (comma-separated, cAdvisor names: cpu, percpu, memory, diskIO, network, process, pressure, oom_event, …); replaces the default set.',
      multiple: true,
    }),
    'disable-metrics': Flags.string({
      description:
        "Metric kinds to switch off (comma-separated); default cAdvisor's: memory_numa, tcp, udp, advtcp, sched, process, hugetlb, referenced_memory, cpu_topology, resctrl, cpuset.",
      multiple: true,
    }),
    'store-container-labels': Flags.boolean({
      description:
        'Turn every runtime label into a container_label_<key> label; --no-store-container-labels (or =false) keeps only --whitelisted-container-labels.',
      default: true,
      allowNo: true,
    }),
    'whitelisted-container-labels': Flags.string({
      description: 'Runtime label keys kept with --no-store-container-labels (comma-separated, raw keys).',
      multiple: true,
    }),
    'sample-timestamps': Flags.boolean({
      description: "Give each per-container series its sample's timestamp, as cAdvisor does (off: Prometheus uses the scrape time).",
    }),
    'disable-exporter-metrics': Flags.boolean({
      description: "Leave out cadv's own metrics (process_*, nodejs_*, cadv_metric_handler_*, cadv_containers, cadv_watch_*).",
    }),
    // Benchmark baseline only (bench/serve.bench.ts): render every container on every scrape.
    'exposition-cache': Flags.boolean({
      hidden: true,
      default: true,
      allowNo: true,
      description: 'Reuse rendered container series between scrapes.',
    }),
    once: Flags.boolean({
      description: 'Print one exposition (text 0.0.4) for the current containers after one housekeeping round, and exit.',
    }),
  }

  async run(): Promise<void> {
    // cAdvisor's spellings and Go's flag syntax (--housekeeping_interval=10s, -docker_only,
    // --store_container_labels=false, --port) become cadv's; a flag cadv cannot honour stops here.
    const argv = serveCommandLine(this.argv, {...Serve.baseFlags, ...Serve.flags} as Record<string, CommandFlag>, cadvVersion())
    if (typeof argv === 'number') this.exit(argv)
    this.argv = argv
    const {flags} = await this.parse(Serve)
    await runServe(flags, this.discover(flags), this.context(flags))
  }
}
