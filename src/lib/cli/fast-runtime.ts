/*
 * The runtime flags (cli/runtime-flags.ts) on the oclif-free paths: the same defaults,
 * environment variables and checks. The checks' module (app/options.ts, which loads the
 * factories layer) is imported only when a value was given: `cadv watch` without --resolve
 * and without runtime flags never needs it.
 */
import type {RuntimeFlagValues} from '../app/options.js'
import {DEFAULT_RESOLVER_OPTIONS as D} from '../factories/options.js'
import {parseDuration} from '../util/index.js'
import type {FastArgs, FastSpec} from './fast-args.js'

export const FAST_RUNTIME_FLAGS: Record<string, FastSpec> = {
  docker: {type: 'string', env: 'CADV_DOCKER'},
  'docker-timeout': {type: 'string'},
  podman: {type: 'string', env: 'CADV_PODMAN'},
  'podman-timeout': {type: 'string'},
  containerd: {type: 'string', env: 'CADV_CONTAINERD'},
  'containerd-namespace': {type: 'string', env: 'CADV_CONTAINERD_NAMESPACE'},
  'containerd-timeout': {type: 'string'},
  crio: {type: 'string', env: 'CADV_CRIO'},
  'crio-timeout': {type: 'string'},
  'docker-only': {type: 'boolean'},
  'raw-cgroup-prefix-whitelist': {type: 'string', multiple: true},
}

const RUNTIMES = ['docker', 'podman', 'containerd', 'crio'] as const

/** The runtime flags' values, or undefined when one is bad (oclif then says what is wrong, exit 2). */
export async function fastRuntimeValues(a: FastArgs): Promise<RuntimeFlagValues | undefined> {
  const endpoints = {
    docker: a.str('docker', D.docker.endpoint),
    podman: a.str('podman', D.podman.endpoint),
    containerd: a.str('containerd', D.containerd.endpoint),
    crio: a.str('crio', D.crio.endpoint),
  }
  const timeouts: Record<(typeof RUNTIMES)[number], number> = {
    docker: D.docker.timeoutMs,
    podman: D.podman.timeoutMs,
    containerd: D.containerd.timeoutMs,
    crio: D.crio.timeoutMs,
  }
  if (RUNTIMES.some((r) => a.given(r) || a.given(`${r}-timeout`))) {
    const {checkEndpoint, MIN_TIMEOUT_MS} = await import('../app/options.js')
    try {
      for (const r of RUNTIMES) {
        checkEndpoint(r, endpoints[r])
        const t = a.values[`${r}-timeout`] as string | undefined
        if (t !== undefined) timeouts[r] = parseDuration(t, {minMs: MIN_TIMEOUT_MS})
      }
    } catch {
      return undefined
    }
  }
  return {
    docker: endpoints.docker,
    'docker-timeout': timeouts.docker,
    podman: endpoints.podman,
    'podman-timeout': timeouts.podman,
    containerd: endpoints.containerd,
    'containerd-namespace': a.str('containerd-namespace', D.containerd.namespace),
    'containerd-timeout': timeouts.containerd,
    crio: endpoints.crio,
    'crio-timeout': timeouts.crio,
    'docker-only': a.values['docker-only'] === true,
    'raw-cgroup-prefix-whitelist': a.list('raw-cgroup-prefix-whitelist'),
  }
}
