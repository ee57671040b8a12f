/*
 * The runtime flags every command that resolves containers shares (resolve, watch, stats,
 * serve). Spread them into a command's flags: `static flags = {...runtimeFlags, ...}`; the app
 * turns their values into resolver options (app/options.ts). They are documented once, in
 * cadv(1) under RUNTIME OPTIONS (helpGroup RUNTIME), not in each command's page.
 */
import * as Errors from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'

import {checkEndpoint, MIN_TIMEOUT_MS} from '../app/options.js'
import {DEFAULT_RESOLVER_OPTIONS as D, DEFAULT_TIMEOUT_MS} from '../factories/options.js'
import {durationFlag} from './duration-flag.js'

const GROUP = 'RUNTIME'

const timeout = (runtime: string) =>
  durationFlag({
    description: `Longest wait for one ${runtime} call, connection included (500ms, 2s); a daemon that does not answer in time is skipped for 10 s.`,
    default: `${DEFAULT_TIMEOUT_MS / 1000}s`,
    helpGroup: GROUP,
    minMs: MIN_TIMEOUT_MS,
  })

/** An endpoint flag, checked when parsed (environment values too): a bad one is exit 2 at once. */
const endpoint = (flag: 'docker' | 'podman' | 'containerd' | 'crio', options: {description: string; default: string; env: string}) =>
  Flags.custom<string>({
    ...options,
    helpGroup: GROUP,
    helpValue: '<endpoint>',
    parse: async (input) => {
      try {
        return checkEndpoint(flag, input)
      } catch (err) {
        throw new Errors.CLIError((err as Error).message, {exit: 2})
      }
    },
  })()

export const runtimeFlags = {
  docker: endpoint('docker', {
    description: 'Docker Engine API endpoint: `unix:///path`, `/path` or `tcp://host:port`.',
    default: D.docker.endpoint,
    env: 'CADV_DOCKER',
  }),
  'docker-timeout': timeout('docker'),
  podman: endpoint('podman', {
    description: "podman's API service (`podman system service`), spoken as the Docker Engine API.",
    default: D.podman.endpoint,
    env: 'CADV_PODMAN',
  }),
  'podman-timeout': timeout('podman'),
  containerd: endpoint('containerd', {
    description: "containerd's gRPC socket: `unix:///path`, `/path` or `host:port`.",
    default: D.containerd.endpoint,
    env: 'CADV_CONTAINERD',
  }),
  'containerd-namespace': Flags.string({
    description: 'containerd namespace to look containers up in (sent as containerd-namespace metadata).',
    default: D.containerd.namespace,
    env: 'CADV_CONTAINERD_NAMESPACE',
    helpValue: '<namespace>',
    helpGroup: GROUP,
  }),
  'containerd-timeout': timeout('containerd'),
  crio: endpoint('crio', {
    description: "CRI-O's socket, for its HTTP inspect API (`/info`, `/containers/<id>`).",
    default: D.crio.endpoint,
    env: 'CADV_CRIO',
  }),
  'crio-timeout': timeout('CRI-O'),
  'docker-only': Flags.boolean({
    description:
      "cAdvisor's --docker_only: ignore raw cgroups (other than /) unless --raw-cgroup-prefix-whitelist lists them; podman, containerd and CRI-O containers are still tracked.",
    helpGroup: GROUP,
  }),
  'raw-cgroup-prefix-whitelist': Flags.string({
    description:
      'Track raw cgroups only when their name starts with one of these prefixes (repeatable or comma-separated); restricts raw cgroups even without --docker-only.',
    multiple: true,
    multipleNonGreedy: true,
    default: [],
    helpGroup: GROUP,
    helpValue: '<prefix>',
  }),
}

/**
 * Only `cadv serve` shows environment variables (as container_env_* labels), so only it takes
 * the flag that lets them through.
 */
export const envMetadataFlags = {
  'env-metadata-whitelist': Flags.string({
    description:
      'Keep container env vars whose key starts with one of these prefixes (repeatable or comma-separated); none by default, since env holds secrets.',
    multiple: true,
    multipleNonGreedy: true,
    default: [],
    helpValue: '<prefix>',
  }),
}
