/*
 * The runtime flags every command that resolves containers shares (resolve, watch, stats,
 * serve), and the one function that turns them into resolver options. Spread them into a
 * command's flags: `static flags = {...runtimeFlags, ...}`, then
 * `createResolver(resolverOptionsFromFlags(flags))`. They are documented once, in cadv(1)
 * under RUNTIME OPTIONS (helpGroup RUNTIME), not in each command's page.
 */
import {Errors, Flags} from '@oclif/core'

import {DEFAULT_RESOLVER_OPTIONS as D, DEFAULT_TIMEOUT_MS, type ResolverOptionsInput} from '../factories/index.js'

const GROUP = 'RUNTIME'

/** `2s`, `500ms`, `1.5s`, `1m`, or plain milliseconds → milliseconds. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text)
  if (!m) throw new Errors.CLIError(`"${text}" is not a duration (examples: 500ms, 2s, 1m)`, {exit: 2})
  const n = Number(m[1])
  const ms = m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n
  if (ms <= 0) throw new Errors.CLIError(`"${text}": a timeout must be more than 0`, {exit: 2})
  return Math.round(ms)
}

const timeout = (runtime: string) =>
  Flags.custom<number>({
    description: `Longest wait for one ${runtime} call, connection included (500ms, 2s); a daemon that does not answer in time is skipped for 10 s.`,
    default: DEFAULT_TIMEOUT_MS,
    defaultHelp: async () => `${DEFAULT_TIMEOUT_MS / 1000}s`,
    helpGroup: GROUP,
    parse: async (input) => parseDurationMs(input),
  })()

export const runtimeFlags = {
  docker: Flags.string({
    description: 'Docker Engine API endpoint (unix:///path or tcp://host:port).',
    default: D.docker.endpoint,
    env: 'CADV_DOCKER',
    helpGroup: GROUP,
  }),
  'docker-timeout': timeout('docker'),
  podman: Flags.string({
    description: 'podman API service endpoint (Docker-compatible API).',
    default: D.podman.endpoint,
    env: 'CADV_PODMAN',
    helpGroup: GROUP,
  }),
  'podman-timeout': timeout('podman'),
  containerd: Flags.string({
    description: 'containerd gRPC socket.',
    default: D.containerd.endpoint,
    env: 'CADV_CONTAINERD',
    helpGroup: GROUP,
  }),
  'containerd-namespace': Flags.string({
    description: 'containerd namespace to look containers up in (sent as containerd-namespace metadata).',
    default: D.containerd.namespace,
    env: 'CADV_CONTAINERD_NAMESPACE',
    helpGroup: GROUP,
  }),
  'containerd-timeout': timeout('containerd'),
  crio: Flags.string({
    description: 'CRI-O socket (its HTTP inspect API).',
    default: D.crio.endpoint,
    env: 'CADV_CRIO',
    helpGroup: GROUP,
  }),
  'crio-timeout': timeout('CRI-O'),
  'docker-only': Flags.boolean({
    description: "cAdvisor's --docker_only: ignore raw cgroups (other than /) unless --raw-cgroup-prefix-whitelist lists them; podman, containerd and CRI-O containers are still tracked.",
    helpGroup: GROUP,
  }),
  'raw-cgroup-prefix-whitelist': Flags.string({
    description: 'Track raw cgroups only when their name starts with one of these prefixes (repeatable or comma-separated); restricts raw cgroups even without --docker-only.',
    multiple: true,
    multipleNonGreedy: true,
    default: [],
    helpGroup: GROUP,
  }),
  'env-metadata-whitelist': Flags.string({
    description: 'Keep container env vars whose key starts with one of these prefixes (repeatable or comma-separated); none by default, since env holds secrets.',
    multiple: true,
    multipleNonGreedy: true,
    default: [],
    helpGroup: GROUP,
  }),
}

/** The parsed values of runtimeFlags (what `this.parse()` returns for them). */
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
