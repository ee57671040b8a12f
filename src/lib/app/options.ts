/*
 * Flag values shared by several commands and their translation into library options, without
 * oclif, so that the fast path of `cadv resolve` (cli/fast-resolve.ts) and the oclif commands
 * share one translation. The oclif flag definitions are in cli/runtime-flags.ts and
 * cli/housekeeping-flags.ts.
 */
import {parseEndpoint, type ResolverOptionsInput} from '../factories/index.js'
import type {HousekeepingOptions, StoreOptions} from '../stats/index.js'

/** The events flags' defaults (cli/events-flags.ts): from here, without the events layer's index. */
export {DEFAULT_EVENT_AGE, DEFAULT_EVENT_COUNT} from '../events/limits.js'

/** A runtime call's timeout must be more than 0: the smallest accepted is 1 ms. */
export const MIN_TIMEOUT_MS = 1

/** A runtime endpoint flag value that cannot be an endpoint; exitCode 2 = bad input. */
export class EndpointError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'EndpointError'
  }
}

/**
 * Checks one runtime endpoint flag when it is parsed, so that `--docker ftp://x` is a bad-input
 * error at once instead of an "unreachable" line per name. Docker, podman and CRI-O speak HTTP:
 * `unix:///path`, `/path`, `tcp://host:port` or `http://host:port`. containerd speaks gRPC:
 * `unix:///path`, `/path`, or `host:port`. Returns the value.
 */
export function checkEndpoint(flag: 'docker' | 'podman' | 'containerd' | 'crio', value: string): string {
  const bad = (use: string): EndpointError => new EndpointError(`"${value}" is not a ${flag} endpoint (use ${use})`)
  if (flag === 'containerd') {
    if (/^unix:\/\/\/./.test(value) || /^\/./.test(value) || /^[A-Za-z0-9.-]+:\d+$/.test(value) || /^\[[0-9a-fA-F:]+\]:\d+$/.test(value))
      return value
    throw bad('unix:///path/to.sock, /path/to.sock or host:port')
  }
  try {
    const t = parseEndpoint(value)
    if (t.socketPath === '') throw new Error('empty socket path')
  } catch {
    throw bad('unix:///path/to.sock, /path/to.sock or tcp://host:port')
  }
  return value
}

/** The parsed values of the runtime flags. */
export interface RuntimeFlagValues {
  docker: string
  'docker-timeout': number
  podman: string
  'podman-timeout': number
  containerd: string
  'containerd-namespace': string
  'containerd-timeout': number
  crio: string
  'crio-timeout': number
  'docker-only': boolean
  'raw-cgroup-prefix-whitelist': string[]
  /** `cadv serve` only: the other commands show no environment. */
  'env-metadata-whitelist'?: string[]
}

export function resolverOptionsFromFlags(flags: RuntimeFlagValues, extra: {offline?: boolean} = {}): ResolverOptionsInput {
  return {
    docker: {endpoint: flags.docker, timeoutMs: flags['docker-timeout']},
    podman: {endpoint: flags.podman, timeoutMs: flags['podman-timeout']},
    containerd: {endpoint: flags.containerd, namespace: flags['containerd-namespace'], timeoutMs: flags['containerd-timeout']},
    crio: {endpoint: flags.crio, timeoutMs: flags['crio-timeout']},
    dockerOnly: flags['docker-only'],
    rawCgroupPrefixWhitelist: flags['raw-cgroup-prefix-whitelist'],
    envMetadataWhitelist: flags['env-metadata-whitelist'] ?? [],
    offline: extra.offline ?? false,
  }
}

/** A flag combination the user must fix: one line, exit 2. */
export class HousekeepingFlagError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'HousekeepingFlagError'
  }
}

export interface HousekeepingFlagValues {
  'housekeeping-interval': number
  'max-housekeeping-interval': number
  'allow-dynamic-housekeeping': boolean
  'storage-duration': number
  'max-open-files'?: number
}

export interface ManagerHousekeepingOptions {
  housekeeping: Partial<HousekeepingOptions>
  store: Partial<StoreOptions>
  maxOpenFiles?: number
}

/** Manager options from the parsed flags; refuses a maximum below the base interval. */
export function housekeepingOptionsFrom(flags: HousekeepingFlagValues): ManagerHousekeepingOptions {
  const base = flags['housekeeping-interval']
  const max = flags['max-housekeeping-interval']
  if (max < base) {
    throw new HousekeepingFlagError(`--max-housekeeping-interval (${max} ms) is shorter than --housekeeping-interval (${base} ms)`)
  }
  const out: ManagerHousekeepingOptions = {
    housekeeping: {intervalMs: base, maxIntervalMs: max, dynamic: flags['allow-dynamic-housekeeping']},
    store: {maxAgeMs: flags['storage-duration']},
  }
  if (flags['max-open-files'] !== undefined) out.maxOpenFiles = flags['max-open-files']
  return out
}
