import {runServe} from '../lib/app/index.js'
import {CadvCommand, serveCommandLine, inUserSpelling, serveFlags, type CommandFlag} from '../lib/cli/index.js'

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
    {description: 'Check the exposition with promtool', command: '<%= config.bin %> <%= command.id %> --once | promtool check metrics'},
    {
      description: "cAdvisor's REST API: the newest stats of every docker container",
      command: "curl -s 'localhost:8080/api/v2.1/stats/docker/?recursive=true&count=1' | jq 'keys'",
    },
    {
      description: 'OOM kills as they happen, as a stream of events',
      command: 'curl -sNG localhost:8080/api/v1.3/events -d stream=true -d oom_kill_events=true -d subcontainers=true',
    },
    {
      description: "On a Kubernetes node: the kubelet's label set (namespace, pod, container), also served at /metrics/cadvisor",
      command: '<%= config.bin %> <%= command.id %> --listen :8080 --kubelet-labels',
    },
    {
      description: 'Push every sample to Prometheus by remote write as well (cadv help storage: the other backends)',
      command:
        '<%= config.bin %> <%= command.id %> --storage-driver remote-write --storage-driver-host http://prometheus:9090/api/v1/write',
    },
    {
      description: 'Only CPU and memory, Kubernetes labels only',
      command:
        '<%= config.bin %> <%= command.id %> --enable-metrics cpu,memory --no-store-container-labels --whitelisted-container-labels io.kubernetes.pod.name,io.kubernetes.pod.namespace',
    },
  ]

  static override flags = serveFlags

  async run(): Promise<void> {
    // cAdvisor's spellings and Go's flag syntax (--housekeeping_interval=10s, -docker_only,
    // --store_container_labels=false, --port) become cadv's; a flag cadv cannot honour stops here.
    const line = serveCommandLine(this.argv, {...Serve.baseFlags, ...Serve.flags} as Record<string, CommandFlag>, this.config.version)
    if (typeof line === 'number') this.exit(line)
    this.argv = line.argv
    const {flags} = await this.parse(Serve).catch((err: unknown) => Promise.reject(inUserSpelling(err, line.spellings)))
    await runServe(flags, this.discover(flags), this.context(flags))
  }
}
