/*
 * The runtime flags every command that resolves containers shares (resolve, watch, stats,
 * serve), and the one function that turns them into resolver options. Spread them into a
 * command's flags: `static flags = {...runtimeFlags, ...}`, then
 * `createResolver(resolverOptionsFromFlags(flags))`. They are documented once, in cadv(1)
 * under RUNTIME OPTIONS (helpGroup RUNTIME), not in each command's page.
 */
import {Errors, Flags} from '@oclif/core'

import {DEFAULT_RESOLVER_OPTIONS as D, DEFAULT_TIMEOUT_MS} from '../factories/index.js'
import {parseDurationMs} from './runtime-options.js'

export {parseDurationMs, resolverOptionsFromFlags, type RuntimeFlagValues} from './runtime-options.js'

const GROUP = 'RUNTIME'

const timeout = (runtime: string) =>
  Flags.custom<number>({
    description: `Longest wait for one ${runtime} call, connection included (500ms, 2s); a daemon that does not answer in time is skipped for 10 s.`,
    default: DEFAULT_TIMEOUT_MS,
    defaultHelp: async () => `${DEFAULT_TIMEOUT_MS / 1000}s`,
    helpGroup: GROUP,
    parse: async (input) => {
      try {
        return parseDurationMs(input)
      } catch (err) {
        throw new Errors.CLIError((err as Error).message, {exit: 2})
      }
    },
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

