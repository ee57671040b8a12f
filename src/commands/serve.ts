import {readFileSync} from 'node:fs'

import {Flags} from '@oclif/core'

import {CadvCommand} from '../lib/cli/base-command.js'
import {normalizeBooleanArgs} from '../lib/cli/boolean-args.js'
import {durationFlag} from '../lib/cli/duration.js'
import {housekeepingFlags, housekeepingOptionsFrom} from '../lib/cli/housekeeping-flags.js'
import {resolverOptionsFromFlags, runtimeFlags} from '../lib/cli/runtime-flags.js'
import {createResolver} from '../lib/factories/index.js'
import {resolveKinds} from '../lib/kinds.js'
import {createManager} from '../lib/manager.js'
import {checkServeSetup, readMachineInfo, renderOnce, startServe} from '../lib/metrics/index.js'
import {exitQuietlyOnEpipe} from '../lib/output/stdout.js'

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}
  return pkg.version
}

export default class Serve extends CadvCommand {
  static override summary = 'Serve Prometheus metrics with cAdvisor\'s names, a health check and a JSON API.'

  static override description = `Watches cgroups, collects every container's statistics on the housekeeping schedule and serves them:
<telemetry-path> (Prometheus text 0.0.4 or OpenMetrics 1.0, by the Accept header), / (links), /healthz, /api/v1/containers and /api/v1/containers/<name> (recent samples, JSON).
Scrapes read what housekeeping stored; they never read cgroups themselves. Listens on 127.0.0.1 only unless told otherwise: exposing the host's container inventory is opt-in.`

  static override examples = [
    {description: 'Serve on 127.0.0.1:8080 and scrape it', command: '<%= config.bin %> <%= command.id %> &\ncurl -s localhost:8080/metrics | grep container_cpu_usage_seconds_total'},
    {description: 'Listen on every interface, with TLS and basic auth from an exporter-toolkit web config', command: '<%= config.bin %> <%= command.id %> --listen :8080 --web-config-file /etc/cadv/web.yml'},
    {description: 'One exposition for the textfile-collector pattern', command: '<%= config.bin %> <%= command.id %> --once > /var/lib/node_exporter/cadv.prom.$$ && mv /var/lib/node_exporter/cadv.prom.$$ /var/lib/node_exporter/cadv.prom'},
    {description: 'Only CPU and memory, Kubernetes labels only', command: '<%= config.bin %> <%= command.id %> --enable-metrics cpu,memory --no-store-container-labels --whitelisted-container-labels io.kubernetes.pod.name,io.kubernetes.pod.namespace'},
  ]

  static override flags = {
    ...housekeepingFlags,
    ...runtimeFlags,
    listen: Flags.string({
      description: 'Address to listen on: host:port, :port for every interface, [::1]:port (repeatable).',
      multiple: true,
      default: ['127.0.0.1:8080'],
    }),
    'telemetry-path': Flags.string({description: 'Path of the metrics endpoint.', default: '/metrics'}),
    'web-config-file': Flags.string({description: 'Prometheus exporter-toolkit web config (YAML): TLS, client certificates, basic auth with bcrypt hashes; re-read when it changes.'}),
    'max-requests': Flags.integer({description: 'Most scrapes served at once; more get 503 (0: no limit).', default: 40, min: 0}),
    'request-timeout': durationFlag({description: 'Longest a request may take to arrive and be answered.', default: '30s', minMs: 1}),
    'enable-metrics': Flags.string({
      description: 'Only these metric kinds (comma-separated, cAdvisor names: cpu, percpu, memory, diskIO, network, process, pressure, oom_event, …); replaces the default set.',
      multiple: true,
    }),
    'disable-metrics': Flags.string({
      description: 'Metric kinds to switch off (comma-separated); default cAdvisor\'s: memory_numa, tcp, udp, advtcp, sched, process, hugetlb, referenced_memory, cpu_topology, resctrl, cpuset.',
      multiple: true,
    }),
    'store-container-labels': Flags.boolean({
      description: 'Turn every runtime label into a container_label_<key> label; --no-store-container-labels (or =false) keeps only --whitelisted-container-labels.',
      default: true,
      allowNo: true,
    }),
    'whitelisted-container-labels': Flags.string({
      description: 'Runtime label keys kept with --no-store-container-labels (comma-separated, raw keys).',
      multiple: true,
    }),
    'sample-timestamps': Flags.boolean({description: 'Give each per-container series its sample\'s timestamp, as cAdvisor does (off: Prometheus uses the scrape time).'}),
    'disable-exporter-metrics': Flags.boolean({description: 'Leave out cadv\'s own metrics (process_*, nodejs_*, cadv_metric_handler_*, cadv_containers, cadv_watch_*).'}),
    // Benchmark baseline only (bench/serve.bench.ts): render every container on every scrape.
    'exposition-cache': Flags.boolean({hidden: true, default: true, allowNo: true, description: 'Reuse rendered container series between scrapes.'}),
    once: Flags.boolean({description: 'Print one exposition (text 0.0.4) for the current containers after one housekeeping round, and exit.'}),
  }

  async run(): Promise<void> {
    this.argv = normalizeBooleanArgs(this.argv, ['store-container-labels', 'allow-dynamic-housekeeping', 'docker-only'])
    const {flags} = await this.parse(Serve)
    this.verbose = flags.verbose
    const kinds = resolveKinds(flags['enable-metrics'], flags['disable-metrics'])
    checkServeSetup({listen: flags.listen, telemetryPath: flags['telemetry-path'], webConfigFile: flags['web-config-file']})
    const layout = this.discover(flags)
    const version = packageVersion()
    const manager = createManager({
      layout,
      kinds,
      ...housekeepingOptionsFrom(flags),
      resolver: createResolver(resolverOptionsFromFlags(flags)),
      onWarning: (m) => this.note(m),
      // Fallbacks must be visible (DESIGN): always on stderr, once each.
      onWatcherWarning: (m) => process.stderr.write(`cadv serve: warning: ${m}\n`),
    })
    const exposition = {
      kinds,
      labels: {
        storeContainerLabels: flags['store-container-labels'],
        whitelistedLabels: (flags['whitelisted-container-labels'] ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean),
      },
      timestamps: flags['sample-timestamps'],
      machine: readMachineInfo(flags['proc-root']),
      version,
      noCache: !flags['exposition-cache'],
    }
    const exporterMetrics = !flags['disable-exporter-metrics']

    if (flags.once) {
      exitQuietlyOnEpipe()
      const text = await renderOnce({manager, exposition, exporterMetrics}, 'prometheus', Math.max(5000, 3 * flags['housekeeping-interval']))
      process.stdout.write(text)
      return
    }

    const handle = await startServe({
      manager,
      exposition,
      exporterMetrics,
      listen: flags.listen,
      telemetryPath: flags['telemetry-path'],
      webConfigFile: flags['web-config-file'],
      maxRequests: flags['max-requests'],
      requestTimeoutMs: flags['request-timeout'],
      version,
      log: (m) => process.stderr.write(`cadv serve: ${m}\n`),
    })
    for (const w of handle.warnings) process.stderr.write(`cadv serve: warning: ${w}\n`)
    const scheme = handle.tls ? 'https' : 'http'
    for (const a of handle.addresses) {
      const host = a.address.includes(':') ? `[${a.address}]` : a.address
      process.stderr.write(`cadv serve: listening on ${scheme}://${host}:${a.port}${flags['telemetry-path']}\n`)
    }
    await new Promise<void>((resolve) => {
      let stopping = false
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) process.exit(130)
        stopping = true
        this.note(`${signal}: finishing requests in progress`)
        handle.stop(5000).then(resolve, (err: Error) => {
          process.stderr.write(`cadv serve: ${err.message}\n`)
          resolve()
        })
      }
      process.on('SIGTERM', onSignal)
      process.on('SIGINT', onSignal)
    })
  }
}
