/*
 * `cadv serve`'s flags (src/commands/serve.ts): here, in the cli layer, so that the path without
 * oclif's Config (cli/fast-serve.ts) parses the very same definitions with oclif's parser.
 */
import * as Flags from '@oclif/core/flags'

import {compatFlags} from './compat-flags.js'
import {durationFlag} from './duration-flag.js'
import {endpointFlags} from './endpoint-flags.js'
import {eventsFlags} from './events-flags.js'
import {housekeepingFlags} from './housekeeping-flags.js'
import {kindsFlags} from './kinds-flags.js'
import {kubernetesServeFlags} from './kubernetes-flags.js'
import {netnsFlags} from './netns-flags.js'
import {priorityFlags} from './priority-flags.js'
import {envMetadataFlags, runtimeFlags} from './runtime-flags.js'
import {runtimeWaitFlags} from './runtime-wait-flags.js'
import {storageFlags} from './storage-flags.js'
import {webUiFlags} from './web-ui-flags.js'

export const serveFlags = {
  ...housekeepingFlags,
  ...kindsFlags,
  ...runtimeFlags,
  ...eventsFlags,
  ...compatFlags,
  ...envMetadataFlags,
  ...runtimeWaitFlags,
  ...priorityFlags,
  ...kubernetesServeFlags,
  ...webUiFlags,
  ...endpointFlags,
  ...storageFlags,
  ...netnsFlags,
  listen: Flags.string({
    summary: 'Address to listen on: host:port, :port for every interface, [::1]:port (repeatable).',
    description:
      'Address to listen on (repeatable). `:8080` listens on every interface; `[::1]:8080` on an IPv6 address; port 0 picks a free port.',
    multiple: true,
    default: ['127.0.0.1:8080'],
    helpValue: '<host:port>',
  }),
  'telemetry-path': Flags.string({description: 'Path of the metrics endpoint.', default: '/metrics', helpValue: '<path>'}),
  'web-config-file': Flags.string({
    summary: 'Prometheus exporter-toolkit web config (YAML): TLS, client certificates, basic auth; re-read when it changes.',
    description:
      'Prometheus exporter-toolkit web config (YAML). `tls_server_config` (`cert_file`, `key_file`, `client_auth_type`, `client_ca_file`, `min_version`, `max_version`) turns on HTTPS and client-certificate checks; `basic_auth_users` maps users to bcrypt hashes (`htpasswd -nBC 10 user`); `http_server_config.headers` adds response headers; `rate_limit` (`interval`, `burst`) answers 429 beyond it, per client address. The file and the files it names are regular files of at most 1 MiB; a bad certificate or key, or a header with a control character, is one line naming it and exit 2. They are re-read when they change (looked at once a second at most, when a request comes) and on SIGHUP. A new version takes effect only when it is complete and valid and keeps every protection in force (TLS, `basic_auth_users`, the `client_auth_type` level, `rate_limit`): an empty, half-written or invalid file, or one that drops a protection or turns TLS on, is refused with one line on stderr, the previous config stays in force, and `cadv_web_config_last_reload_successful` is 0. Write the file atomically (a new file renamed over the old); dropping a protection takes a restart. Wrong or missing credentials get 401 and nothing else. Passwords are checked in a worker thread, never on the event loop; a successful check is remembered for 15 minutes (keyed by an HMAC with a per-process key), so a client with valid credentials is never rate limited; unknown users cost the same bcrypt work as known ones; a client with 4 checks already queued gets 503.',
    helpValue: '<file>',
  }),
  'max-requests': Flags.integer({
    summary: 'Most scrapes served at once; more get 503 (0: no limit).',
    description: 'Most scrapes served at once; more get 503 at once. 0: no limit.',
    default: 40,
    min: 0,
    helpValue: '<n>',
  }),
  'request-timeout': durationFlag({description: 'Longest a request may take to arrive and be answered.', default: '30s', minMs: 1}),
  'enable-metrics': Flags.string({
    summary: 'Only these metric kinds (comma-separated, cAdvisor names); replaces the default set.',
    description:
      "Only these metric kinds, comma-separated, with cAdvisor's names: `cpu`, `percpu`, `memory`, `diskIO`, `network`, `process`, `pressure`, `oom_event`, ... A non-empty list replaces the default set and `--disable-metrics` is then ignored. `process` gives `container_processes` (lines of `cgroup.procs`), `container_threads` (`pids.current`: tasks in the cgroup and below) and `container_threads_max` (`pids.max`, 0 when unlimited), as cAdvisor does.",
    multiple: true,
    helpValue: '<kinds>',
  }),
  'disable-metrics': Flags.string({
    summary: "Metric kinds to switch off (comma-separated); default cAdvisor's.",
    description:
      "Metric kinds to switch off (comma-separated). Default cAdvisor's: `memory_numa`, `tcp`, `udp`, `advtcp`, `sched`, `process`, `hugetlb`, `referenced_memory`, `cpu_topology`, `resctrl`, `cpuset`.",
    multiple: true,
    helpValue: '<kinds>',
  }),
  'store-container-labels': Flags.boolean({
    summary: 'Turn every runtime label into a container_label_<key> label (default on; also =false).',
    description:
      'Turn every runtime label into `container_label_<key>` (default). With `--no-store-container-labels` (or `--store-container-labels=false`) only the keys in `--whitelisted-container-labels` are kept.',
    default: true,
    allowNo: true,
  }),
  'whitelisted-container-labels': Flags.string({
    description: 'Runtime label keys kept with --no-store-container-labels (comma-separated, raw keys).',
    multiple: true,
    helpValue: '<keys>',
  }),
  'sample-timestamps': Flags.boolean({
    summary: "Give each per-container series its sample's timestamp, as cAdvisor does.",
    description:
      "Give each per-container series its sample's timestamp, as cAdvisor does. Off by default: explicit timestamps make series of a dead container linger and cause out-of-order samples (cAdvisor #2526, #3217); Prometheus then uses the scrape time.",
  }),
  'disable-exporter-metrics': Flags.boolean({
    summary: "Leave out cadv's own metrics (process_*, nodejs_*, cadv_*).",
    description:
      "Leave out cadv's own metrics: `process_*` and `nodejs_*` (prom-client's), `cadv_metric_handler_requests_total{code}` (scrapes by status; 503s are those refused by `--max-requests`), `cadv_metric_handler_requests_in_flight`, `cadv_containers`, and the watcher's `cadv_watch_directories{backend}`, `cadv_watch_polled_directories` (above 0: the inotify watch limit was reached and those directories are polled) and `cadv_watch_rescans_total`, and the endpoint's defences: `cadv_http_connections`, `cadv_http_connections_max`, `cadv_http_connections_closed_total{reason}` (evicted, refused), `cadv_http_auth_requests_total{result}` (remembered, verified, denied, limited, busy), `cadv_http_bcrypt_comparisons_total`, `cadv_http_body_timeouts_total`, `cadv_web_config_last_reload_successful`, `cadv_web_config_reloads_total{result}` and `cadv_descriptor_shortages_total{where}` (accept, cgroup_files), and the manager's `cadv_containers_pending`, `cadv_containers_published_by_name` and `cadv_runtime_lookup_failures_total{factory}` (see `--runtime-wait`), and housekeeping's `cadv_housekeeping_reads_total`, `cadv_housekeeping_yields_total`, `cadv_housekeeping_shed_total` and `cadv_housekeeping_queue_delay_seconds` (see HOUSEKEEPING AND REQUESTS). The storage drivers' `cadv_storage_*` stay: they are not about cadv's process but about whether the samples you asked to ship reach their backend (sent, failed, dropped, queue, last success), as node_exporter keeps its collectors' `node_scrape_collector_*` under `--web.disable-exporter-metrics`.",
  }),
  'heap-compaction': Flags.boolean({
    summary: "Compact the heap after V8's full collections.",
    description:
      "Right after one of V8's full collections that left the main thread's old space at least 4 MiB and 15 % beyond what it holds (V8 picks the pages to empty before a collection, from stale figures, so it keeps pages most of which just died), run one more full collection, which empties them and gives their memory back: at 1,000 containers 4 to 5 MiB less RSS on average, for a few percent more CPU. It marks the whole heap at once on the main thread: 100 to 550 ms at 1,000 containers on a busy machine (load 5 to 15), about once a minute (scrapes are answered meanwhile by the metrics thread from the body in hand), and at most every 30 s. Skipped while the old space holds more than 64 MiB (roughly 5,000 containers and up): the pause grows with the heap, and at 10,000 containers it gave nothing back (RSS 263 against 264 MiB). `--no-heap-compaction`: never; node's own command line choosing `--no-optimize-for-size` turns it off too.",
    default: true,
    allowNo: true,
  }),
  // Benchmark baseline only (bench/serve.bench.ts): render every container on every scrape.
  'exposition-cache': Flags.boolean({
    hidden: true,
    default: true,
    allowNo: true,
    description: 'Reuse rendered container series between scrapes.',
  }),
  once: Flags.boolean({
    summary: 'Print one exposition (text 0.0.4) after one housekeeping round, and exit.',
    description:
      "Wait until every container found has its runtime's answer (at most `--runtime-wait`), run one housekeeping round, print one exposition (text 0.0.4) to stdout and exit, for CI and node_exporter's textfile collector. Containers still without an answer are named on stderr and the exit status is 3.",
  }),
}
