/*
 * cAdvisor's command line on `cadv serve` and the `cadvisor` entry point: one mechanism for
 * every flag. A flag written in Go's syntax (`-name=value`, `--name=value`, `-name value`,
 * `-bool`, `-bool=false`) is translated to oclif's: a cadv flag of the same name, or the
 * same name with `_` read as `-` (so `--housekeeping_interval=10s` and any flag another module
 * adds with cAdvisor's name, `storage_driver` → `--storage-driver`, work with no entry here),
 * or what the table below says for the names that differ. A cAdvisor flag cadv does not have is
 * never dropped quietly: it is refused with one line (exit 2), unless its value is cAdvisor's
 * default (then cadv does what cAdvisor does) or it changes nothing cadv does (then one notice
 * line says so). The names, types and defaults are cAdvisor's (6a0c4f25; a unit test compares
 * them with test/fixtures/cadvisor/flags.json).
 */
import {parseDuration} from '../util/index.js'

type GoType = 'bool' | 'string' | 'int' | 'uint' | 'float' | 'duration' | 'kinds' | 'level'

/** What cadv does with a cAdvisor flag whose name (underscores read as dashes) is not a cadv flag. */
type Use =
  /** Another cadv flag takes the value. */
  | {rename: string}
  /** Part of --listen. */
  | {listen: 'host' | 'port'}
  /** klog's -v=N: above cAdvisor's 2, cadv's --verbose. */
  | {verbosity: true}
  /** Prints the version and exits. */
  | {version: true}
  /** Accepted; one notice line says why it changes nothing in cadv. */
  | {ignored: string}
  /** Refused (exit 2) unless the value is cAdvisor's default. */
  | {unsupported: string}

interface CadvisorFlag {
  type: GoType
  /** cAdvisor's default, as Go's -help prints it. */
  default: string
  use?: Use
}

const LOGS_TO_STDERR = 'cadv logs to stderr, as cAdvisor does with its default --logtostderr'
const WEB_CONFIG =
  'cadv protects every path (not only the UI) with --web-config-file: TLS, client certificates, bcrypt basic_auth_users (htpasswd -B hashes)'
const NO_STORAGE_DRIVER = 'this storage driver is not available in cadv'
const NO_ES = 'the elasticsearch storage driver is not built into cadv (--storage_driver=elasticsearch is refused)'
const NO_KAFKA = 'the kafka storage driver is not built into cadv (--storage_driver=kafka is refused)'

/** Every flag of the `cadvisor` binary (its own and klog's), with what cadv does with it. */
export const CADVISOR_FLAGS: Record<string, CadvisorFlag> = {
  listen_ip: {type: 'string', default: '', use: {listen: 'host'}},
  port: {type: 'int', default: '8080', use: {listen: 'port'}},
  max_procs: {type: 'int', default: '0', use: {ignored: 'Node.js has no GOMAXPROCS; cadv reads on one thread'}},
  version: {type: 'bool', default: 'false', use: {version: true}},
  http_auth_file: {type: 'string', default: '', use: {unsupported: WEB_CONFIG}},
  http_auth_realm: {type: 'string', default: 'localhost', use: {ignored: 'used only with --http_auth_file, which cadv refuses'}},
  http_digest_file: {type: 'string', default: '', use: {unsupported: WEB_CONFIG}},
  http_digest_realm: {type: 'string', default: 'localhost', use: {ignored: 'used only with --http_digest_file, which cadv refuses'}},
  prometheus_endpoint: {type: 'string', default: '/metrics', use: {rename: 'telemetry-path'}},
  profiling: {type: 'bool', default: 'false', use: {unsupported: 'cadv serves no pprof handlers; profile it with node --cpu-prof'}},
  collector_cert: {type: 'string', default: '', use: {unsupported: 'cadv collects no application metrics'}},
  collector_key: {type: 'string', default: '', use: {unsupported: 'cadv collects no application metrics'}},
  store_container_labels: {type: 'bool', default: 'true'},
  whitelisted_container_labels: {type: 'string', default: ''},
  env_metadata_whitelist: {type: 'string', default: ''},
  url_base_prefix: {type: 'string', default: ''},
  raw_cgroup_prefix_whitelist: {type: 'string', default: ''},
  perf_events_config: {type: 'string', default: ''},
  resctrl_interval: {
    type: 'duration',
    default: '0s',
    use: {ignored: "cadv checks each resctrl monitoring group's tasks every 30 s"},
  },
  disable_metrics: {
    type: 'kinds',
    default: 'advtcp,cpu_topology,cpuset,hugetlb,memory_numa,process,referenced_memory,resctrl,sched,tcp,udp',
  },
  enable_metrics: {type: 'kinds', default: ''},
  bq_id: {type: 'string', default: '', use: {unsupported: NO_STORAGE_DRIVER}},
  bq_secret: {type: 'string', default: 'notasecret', use: {unsupported: NO_STORAGE_DRIVER}},
  bq_project_id: {type: 'string', default: '', use: {unsupported: NO_STORAGE_DRIVER}},
  bq_account: {type: 'string', default: '', use: {unsupported: NO_STORAGE_DRIVER}},
  bq_credentials_file: {type: 'string', default: '', use: {unsupported: NO_STORAGE_DRIVER}},
  storage_driver_es_host: {type: 'string', default: 'http://localhost:9200', use: {ignored: NO_ES}},
  storage_driver_es_index: {type: 'string', default: 'cadvisor', use: {ignored: NO_ES}},
  storage_driver_es_type: {type: 'string', default: 'stats', use: {ignored: NO_ES}},
  storage_driver_es_enable_sniffer: {type: 'bool', default: 'false', use: {ignored: NO_ES}},
  storage_driver_influxdb_retention_policy: {type: 'string', default: ''},
  storage_driver_kafka_broker_list: {type: 'string', default: 'localhost:9092', use: {ignored: NO_KAFKA}},
  storage_driver_kafka_topic: {type: 'string', default: 'stats', use: {ignored: NO_KAFKA}},
  storage_driver_kafka_ssl_cert: {type: 'string', default: '', use: {ignored: NO_KAFKA}},
  storage_driver_kafka_ssl_key: {type: 'string', default: '', use: {ignored: NO_KAFKA}},
  storage_driver_kafka_ssl_ca: {type: 'string', default: '', use: {ignored: NO_KAFKA}},
  storage_driver_kafka_ssl_verify: {type: 'bool', default: 'true', use: {ignored: NO_KAFKA}},
  storage_driver: {type: 'string', default: ''},
  storage_duration: {type: 'duration', default: '2m0s'},
  docker: {type: 'string', default: 'unix:///var/run/docker.sock'},
  'docker-tls': {type: 'bool', default: 'false', use: {unsupported: 'cadv talks to docker over a unix socket or plain tcp only'}},
  'docker-tls-cert': {type: 'string', default: 'cert.pem', use: {ignored: 'used only with --docker-tls, as in cAdvisor'}},
  'docker-tls-key': {type: 'string', default: 'key.pem', use: {ignored: 'used only with --docker-tls, as in cAdvisor'}},
  'docker-tls-ca': {type: 'string', default: 'ca.pem', use: {ignored: 'used only with --docker-tls, as in cAdvisor'}},
  docker_env_metadata_whitelist: {type: 'string', default: '', use: {rename: 'env-metadata-whitelist'}},
  docker_root: {type: 'string', default: '/var/lib/docker', use: {ignored: 'cadv asks docker for its root directory'}},
  podman: {type: 'string', default: 'unix:///var/run/podman/podman.sock'},
  container_hints: {
    type: 'string',
    default: '/etc/cadvisor/container_hints.json',
    use: {unsupported: 'cadv reads no container hints file'},
  },
  containerd: {type: 'string', default: '/run/containerd/containerd.sock'},
  'containerd-namespace': {type: 'string', default: 'k8s.io'},
  containerd_env_metadata_whitelist: {type: 'string', default: '', use: {rename: 'env-metadata-whitelist'}},
  crio_client_timeout: {type: 'duration', default: '0s', use: {rename: 'crio-timeout'}},
  referenced_reset_interval: {type: 'uint', default: '0'},
  docker_only: {type: 'bool', default: 'false'},
  disable_root_cgroup_stats: {type: 'bool', default: 'false'},
  machine_id_file: {
    type: 'string',
    default: '/etc/machine-id,/var/lib/dbus/machine-id',
    use: {unsupported: 'cadv reads /etc/machine-id, then /var/lib/dbus/machine-id'},
  },
  boot_id_file: {
    type: 'string',
    default: '/proc/sys/kernel/random/boot_id',
    use: {unsupported: 'cadv reads the boot id from --proc-root (default /proc)'},
  },
  enable_load_reader: {type: 'bool', default: 'false'},
  housekeeping_interval: {type: 'duration', default: '1s'},
  initial_splay_factor: {type: 'float', default: '1'},
  jitter_factor: {type: 'float', default: '1'},
  global_housekeeping_interval: {type: 'duration', default: '1m0s', use: {rename: 'rescan-interval'}},
  update_machine_info_interval: {type: 'duration', default: '5m0s'},
  log_cadvisor_usage: {type: 'bool', default: 'false', use: {ignored: 'it does nothing in cAdvisor either'}},
  event_storage_age_limit: {type: 'string', default: 'default=24h'},
  event_storage_event_limit: {type: 'string', default: 'default=100000'},
  application_metrics_count_limit: {type: 'int', default: '100', use: {ignored: 'cadv collects no application metrics'}},
  max_housekeeping_interval: {type: 'duration', default: '1m0s'},
  allow_dynamic_housekeeping: {type: 'bool', default: 'true'},
  storage_driver_user: {type: 'string', default: 'root'},
  storage_driver_password: {type: 'string', default: 'root'},
  storage_driver_host: {type: 'string', default: 'localhost:8086'},
  storage_driver_db: {type: 'string', default: 'cadvisor'},
  storage_driver_table: {type: 'string', default: 'stats'},
  storage_driver_secure: {type: 'bool', default: 'false'},
  storage_driver_buffer_duration: {type: 'duration', default: '1m0s'},
  // klog's flags, registered by cAdvisor.
  v: {type: 'level', default: '0', use: {verbosity: true}},
  vmodule: {type: 'string', default: '', use: {ignored: 'cadv has no per-file log levels (--verbose explains decisions)'}},
  logtostderr: {type: 'bool', default: 'true', use: {unsupported: 'cadv logs to stderr only; redirect stderr to keep a file'}},
  alsologtostderr: {type: 'bool', default: 'false', use: {ignored: LOGS_TO_STDERR}},
  stderrthreshold: {type: 'string', default: '2', use: {ignored: LOGS_TO_STDERR}},
  log_dir: {type: 'string', default: '', use: {ignored: LOGS_TO_STDERR}},
  log_file: {type: 'string', default: '', use: {ignored: LOGS_TO_STDERR}},
  log_file_max_size: {type: 'uint', default: '1800', use: {ignored: LOGS_TO_STDERR}},
  add_dir_header: {type: 'bool', default: 'false', use: {ignored: "cadv's log lines have no source headers"}},
  skip_headers: {type: 'bool', default: 'false', use: {ignored: "cadv's log lines have no headers"}},
  skip_log_headers: {type: 'bool', default: 'false', use: {ignored: LOGS_TO_STDERR}},
  one_output: {type: 'bool', default: 'false', use: {ignored: LOGS_TO_STDERR}},
  log_backtrace_at: {type: 'string', default: ':0', use: {ignored: 'cadv prints a stack trace with CADV_DEBUG=1'}},
}

/** What a cadv command's flag looks like to the translation (a subset of an oclif flag). */
export interface CommandFlag {
  type: 'boolean' | 'option'
  allowNo?: boolean
  char?: string
  default?: unknown
}

export class CadvisorFlagError extends Error {
  readonly exitCode = 2
}

export interface Translated {
  /** oclif's argv. */
  argv: string[]
  /** One line each: flags accepted that change nothing in cadv, and why. */
  notices: string[]
  /** `-version` was given. */
  version: boolean
  /** Arguments after the first that is not a flag (Go stops there; cAdvisor ignores them). */
  ignored: string[]
  /** cadv flags the user wrote another way (`housekeeping-interval` → `--housekeeping_interval`). */
  spellings: Map<string, string>
}

export interface TranslateOptions {
  /** `cadvisor`: cAdvisor's defaults (every interface) and Go's rules for what is not a flag. */
  cadvisor?: boolean
}

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

/** Go's strconv.ParseBool, or undefined. */
function goBool(v: string): boolean | undefined {
  return GO_TRUE.has(v) ? true : GO_FALSE.has(v) ? false : undefined
}

/** Whether `value` means cAdvisor's default for this flag (durations by value: 60s = 1m0s). */
function isDefault(f: CadvisorFlag, value: string): boolean {
  if (value === f.default) return true
  if (f.type === 'bool') return goBool(value) === goBool(f.default)
  if (f.type === 'duration') {
    try {
      return parseDuration(value) === parseDuration(f.default.replace(/(\d)m0s$/, '$1m'))
    } catch {
      return false
    }
  }
  if (f.type === 'int' || f.type === 'uint' || f.type === 'float') return Number(value) === Number(f.default)
  return false
}

const kebab = (name: string): string => name.replace(/_/g, '-')

/**
 * Translates a command line written for cAdvisor (or for cadv, or a mix) into oclif's argv for
 * a command with `flags`. Throws CadvisorFlagError (one line, exit 2) for a flag cadv refuses.
 */
export function translateCadvisorArgs(
  argv: readonly string[],
  flags: Readonly<Record<string, CommandFlag>>,
  options: TranslateOptions = {},
): Translated {
  // Emptied slots are values a later use of the same flag replaced (filtered out at the end).
  const out: Array<string | undefined> = []
  const notices: string[] = []
  const ignored: string[] = []
  let version = false
  let host: string | undefined
  let port: string | undefined
  const short = new Set(Object.values(flags).flatMap((f) => (f.char ? [f.char] : [])))

  /** Where in `out` each flag's values are, by the flag the user wrote (see `emit`). */
  const positions = new Map<string, number[]>()
  const spellings = new Map<string, string>()

  /**
   * Writes cadv flag `name` with `value` (undefined: a boolean given alone). `key` names the
   * flag as written; with Go's rules (`cadvisor`, or a cAdvisor spelling) a flag given again
   * replaces what it said before, as Go's flag package does (lists too: cAdvisor's comma lists
   * and metric sets are reset by each use). cadv's own spellings keep oclif's rules (repeatable
   * flags add up).
   */
  const emit = (name: string, value: string | undefined, written: string, key: string, goRules: boolean): void => {
    const f = flags[name]!
    if (written !== `--${name}`) spellings.set(name, written)
    let arg: string | undefined
    if (f.type === 'option') {
      arg = `--${name}=${value ?? ''}`
    } else {
      const b = value === undefined ? true : goBool(value)
      if (b === undefined) throw new CadvisorFlagError(`invalid boolean value "${value}" for flag ${written}`)
      if (b) arg = `--${name}`
      else if (f.allowNo) arg = `--no-${name}`
      else if (f.default === true) throw new CadvisorFlagError(`${written}=false: cadv cannot turn this off`)
      // false for a flag that is false unless given: nothing to write (but it replaces a true).
    }
    const before = positions.get(key) ?? []
    if (goRules) for (const i of before.splice(0)) out[i] = undefined
    if (arg === undefined) return
    before.push(out.length)
    positions.set(key, before)
    out.push(arg)
  }

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    const m = /^(--?)([A-Za-z0-9][\w.-]*)(?:=([\s\S]*))?$/.exec(arg)
    if (!m) {
      if (options.cadvisor) {
        // Go's flag package stops at the first argument that is not a flag.
        ignored.push(...argv.slice(i))
        break
      }
      out.push(arg)
      continue
    }
    const [, dashes, name, inline] = m as unknown as [string, string, string, string | undefined]
    const written = `${dashes}${name}`
    // A value given as the next argument (Go: `-name value`, never for booleans).
    const next = (): string => {
      if (inline !== undefined) return inline
      if (i + 1 >= argv.length) throw new CadvisorFlagError(`flag needs an argument: ${written}`)
      return argv[++i]!
    }
    // On `cadv serve`, cadv's own one-letter flags (-v) keep their meaning unless written Go's
    // way with a value; `cadvisor` takes Go's rules only: `-v 4` is klog's level 4 there.
    if (!options.cadvisor && dashes === '-' && name.length === 1 && short.has(name) && inline === undefined) {
      out.push(arg)
      continue
    }
    const cadvName = flags[name] ? name : flags[kebab(name)] ? kebab(name) : undefined
    // A cAdvisor name as cAdvisor spells it follows Go's rules; with dashes it is still that flag.
    const goSpelled = CADVISOR_FLAGS[name] !== undefined
    const goRules = goSpelled || options.cadvisor === true
    const spec = CADVISOR_FLAGS[name] ?? CADVISOR_FLAGS[name.replace(/-/g, '_')]
    const use = spec?.use
    // A cadv flag of the same name takes the value, unless cadv has it only for show (a driver
    // that is not built: the notice below says so instead of a silent no-op).
    if (cadvName && !(use && ('verbosity' in use || 'ignored' in use))) {
      emit(cadvName, flags[cadvName]!.type === 'option' ? next() : inline, written, cadvName, goRules)
      continue
    }
    if (!spec) {
      if (options.cadvisor) throw new CadvisorFlagError(`flag provided but not defined: ${written} (cadvisor -help lists the flags)`)
      // Not cAdvisor's, not cadv's: oclif says so in its words.
      out.push(arg)
      continue
    }
    const value = spec.type === 'bool' ? (inline ?? 'true') : next()
    if (spec.type === 'bool' && goBool(value) === undefined)
      throw new CadvisorFlagError(`invalid boolean value "${value}" for flag ${written}`)
    if (!use) {
      if (isDefault(spec, value)) continue
      throw new CadvisorFlagError(`${written}: cadv has no --${kebab(name)} (cAdvisor's flag is not supported)`)
    }
    if ('rename' in use) {
      if (name === 'crio_client_timeout' && parseDuration(value) === 0) {
        notices.push(`${written}=0: cadv always bounds CRI-O calls (--crio-timeout, default 2s)`)
        continue
      }
      if (!flags[use.rename]) throw new CadvisorFlagError(`${written}: cadv has no --${use.rename} here`)
      emit(use.rename, value, written, name, goRules)
      continue
    }
    if ('listen' in use) {
      if (use.listen === 'port') {
        if (!/^\d+$/.test(value) || Number(value) > 65535)
          throw new CadvisorFlagError(`invalid value "${value}" for flag ${written}: not a port`)
        port = value
      } else {
        host = value
      }
      continue
    }
    if ('verbosity' in use) {
      if (!/^-?\d+$/.test(value)) throw new CadvisorFlagError(`invalid value "${value}" for flag ${written}: not a log level`)
      // cAdvisor runs at 2 unless told; cadv's warnings and errors are that. Above it: --verbose.
      if (flags.verbose) emit('verbose', String(Number(value) > 2), written, 'v', goRules)
      continue
    }
    if ('version' in use) {
      if (goBool(value)) version = true
      continue
    }
    if ('ignored' in use) {
      if (!isDefault(spec, value)) notices.push(`${written}: ignored: ${use.ignored}`)
      continue
    }
    if (isDefault(spec, value)) continue
    throw new CadvisorFlagError(`${written}: not supported: ${use.unsupported}`)
  }
  if (host !== undefined || port !== undefined || options.cadvisor) {
    // cAdvisor listens on every interface unless told; `cadv serve` keeps its loopback default.
    const h = host ?? (options.cadvisor ? '' : '127.0.0.1')
    const listen = `${h.includes(':') ? `[${h}]` : h}:${port ?? '8080'}`
    if (!(options.cadvisor && host === undefined && port === undefined && out.some((a) => a?.startsWith('--listen'))))
      out.push(`--listen=${listen}`)
  }
  return {argv: out.filter((a) => a !== undefined), notices, version, ignored, spellings}
}

/**
 * oclif's error for a bad value ("Parsing --housekeeping-interval …") names the flag as the
 * user wrote it (`--housekeeping_interval`), so a cAdvisor command line's mistake is findable.
 */
export function inUserSpelling(err: unknown, spellings: ReadonlyMap<string, string>): unknown {
  if (!(err instanceof Error)) return err
  // oclif may colour the flag's name.
  const m = /^Parsing ((?:\u001b\[[0-9;]*m)*)--([\w-]+)/.exec(err.message)
  const written = m && spellings.get(m[2]!)
  if (written) err.message = `Parsing ${m[1]}${written}${err.message.slice(m[0].length)}`
  return err
}

/** The first argument of `serve` when the `cadvisor` entry point runs it (bin/cadvisor.js). */
export const CADVISOR_MODE_ARG = '--cadvisor-command-line'

/** Go's flag package prints the usage for -h, -help and --help (before the first non-flag). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--' || !a.startsWith('-')) return false
    if (a === '-h' || a === '-help' || a === '--help' || a === '--h') return true
  }
  return false
}

/** `cadvisor -help`: each of cAdvisor's flags and what cadv does with it. */
export function cadvisorUsage(serveFlags: ReadonlySet<string>): string {
  const lines = [
    "Usage of cadvisor: cadv's cAdvisor-compatible entry point. It runs `cadv serve` with cAdvisor's",
    'flags (Go syntax: -name=value, --name value, -bool) and defaults (every interface, port 8080);',
    "cadv serve's own flags are accepted too. See cadv-serve(1).",
    '',
  ]
  for (const [name, f] of Object.entries(CADVISOR_FLAGS).sort(([a], [b]) => a.localeCompare(b))) {
    const use = f.use
    let what: string
    if (!use)
      what = serveFlags.has(kebab(name)) ? `--${kebab(name)}` : `refused unless ${JSON.stringify(f.default)}: cadv has no --${kebab(name)}`
    else if ('rename' in use) what = `--${use.rename}`
    else if ('listen' in use) what = `--listen (${use.listen})`
    else if ('verbosity' in use) what = 'above 2: --verbose'
    else if ('version' in use) what = 'prints the version'
    else if ('ignored' in use) what = `accepted, changes nothing: ${use.ignored}`
    else what = `refused unless ${JSON.stringify(f.default)}: ${use.unsupported}`
    lines.push(`  -${name} ${f.type} (default ${JSON.stringify(f.default)})`, `      ${what}`)
  }
  return `${lines.join('\n')}\n`
}

/** `cadv serve`'s command line translated, and who the messages are from; throws CadvisorFlagError. */
export function translateServeArgs(
  argv: readonly string[],
  flags: Readonly<Record<string, CommandFlag>>,
): {translated: Translated; who: 'cadvisor' | 'cadv serve'} {
  const asCadvisor = argv[0] === CADVISOR_MODE_ARG
  const translated = translateCadvisorArgs(asCadvisor ? argv.slice(1) : argv, flags, {cadvisor: asCadvisor})
  return {translated, who: asCadvisor ? 'cadvisor' : 'cadv serve'}
}

/** The translation's notices (flags that change nothing, arguments ignored), one line each on stderr. */
export function sayServeNotices(t: Translated, who: string): void {
  for (const n of t.notices) process.stderr.write(`${who}: warning: ${n}\n`)
  if (t.ignored.length > 0)
    process.stderr.write(
      `${who}: warning: ignored from "${t.ignored[0]}" on: flags end at the first argument that is not one, as in cAdvisor\n`,
    )
}

/**
 * `cadv serve`'s command line after translation: oclif's argv, or the exit status when it ends
 * here (-version, a refused flag). Notices and refusals are one line each on stderr, named after
 * what the user ran (`cadvisor` for the entry point, which passes CADVISOR_MODE_ARG first).
 */
export function serveCommandLine(
  argv: readonly string[],
  flags: Readonly<Record<string, CommandFlag>>,
  version: string,
): Pick<Translated, 'argv' | 'spellings'> | number {
  let t: Translated
  let who: string
  try {
    ;({translated: t, who} = translateServeArgs(argv, flags))
  } catch (err) {
    if (!(err instanceof CadvisorFlagError)) throw err
    process.stderr.write(`${argv[0] === CADVISOR_MODE_ARG ? 'cadvisor' : 'cadv serve'}: ${err.message}\n`)
    return 2
  }
  sayServeNotices(t, who)
  if (t.version) {
    process.stdout.write(`cadv ${version} (cAdvisor's command line)\n`)
    return 0
  }
  return t
}
