/*
 * The runtime flags' values and their translation into resolver options, without oclif, so
 * that the fast path of `cadv resolve` (bin/run.js → fast-resolve.ts) and the oclif commands
 * share one translation. The oclif flag definitions are in runtime-flags.ts.
 */
import {parseEndpoint, type ResolverOptionsInput} from '../factories/index.js'

/** A flag value that is not a duration; exitCode 2 = bad input. */
export class DurationError extends Error {
  readonly exitCode = 2
}

/** `2s`, `500ms`, `1.5s`, `1m`, or plain milliseconds → milliseconds (more than 0). */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text)
  if (!m) throw new DurationError(`"${text}" is not a duration (examples: 500ms, 2s, 1m)`)
  const n = Number(m[1])
  const ms = m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n
  if (ms <= 0) throw new DurationError(`"${text}": a timeout must be more than 0`)
  return Math.round(ms)
}

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
    if (/^unix:\/\/\/./.test(value) || /^\/./.test(value) || /^[A-Za-z0-9.-]+:\d+$/.test(value) || /^\[[0-9a-fA-F:]+\]:\d+$/.test(value)) return value
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
  'env-metadata-whitelist': string[]
}

export function resolverOptionsFromFlags(flags: RuntimeFlagValues, extra: {offline?: boolean} = {}): ResolverOptionsInput {
  return {
    docker: {endpoint: flags.docker, timeoutMs: flags['docker-timeout']},
    podman: {endpoint: flags.podman, timeoutMs: flags['podman-timeout']},
    containerd: {endpoint: flags.containerd, namespace: flags['containerd-namespace'], timeoutMs: flags['containerd-timeout']},
    crio: {endpoint: flags.crio, timeoutMs: flags['crio-timeout']},
    dockerOnly: flags['docker-only'],
    rawCgroupPrefixWhitelist: flags['raw-cgroup-prefix-whitelist'],
    envMetadataWhitelist: flags['env-metadata-whitelist'],
    offline: extra.offline ?? false,
  }
}
