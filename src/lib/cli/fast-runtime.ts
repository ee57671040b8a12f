/*
 * The runtime flags (cli/runtime-flags.ts) on the oclif-free paths: the same defaults,
 * environment variables and checks (timeouts are duration flags, parsed by parseFast). The
 * endpoint check's module (app/options.ts, which loads the factories layer) is imported only
 * when an endpoint was given: `cadv watch` without --resolve and runtime flags never needs it.
 */
import type {RuntimeFlagValues} from '../app/options.js'
import {DEFAULT_RESOLVER_OPTIONS as D, DEFAULT_TIMEOUT_MS} from '../factories/options.js'
import type {FastArgs, FastSpec} from './fast-args.js'

/**
 * A runtime call's timeout (cli/runtime-flags.ts). Its floor is app/options.ts' MIN_TIMEOUT_MS,
 * written out: that module loads the factories layer (a test keeps the two equal).
 */
const TIMEOUT: FastSpec = {type: 'string', duration: {default: `${DEFAULT_TIMEOUT_MS / 1000}s`, minMs: 1}}

export const FAST_RUNTIME_FLAGS: Record<string, FastSpec> = {
  docker: {type: 'string', env: 'CADV_DOCKER'},
  'docker-timeout': TIMEOUT,
  podman: {type: 'string', env: 'CADV_PODMAN'},
  'podman-timeout': TIMEOUT,
  containerd: {type: 'string', env: 'CADV_CONTAINERD'},
  'containerd-namespace': {type: 'string', env: 'CADV_CONTAINERD_NAMESPACE'},
  'containerd-timeout': TIMEOUT,
  crio: {type: 'string', env: 'CADV_CRIO'},
  'crio-timeout': TIMEOUT,
  'docker-only': {type: 'boolean'},
  'raw-cgroup-prefix-whitelist': {type: 'string', multiple: true},
}

/** `--runtime-wait` (cli/runtime-wait-flags.ts). */
export const FAST_RUNTIME_WAIT_FLAG: Record<string, FastSpec> = {
  'runtime-wait': {type: 'string', duration: {default: '30s', minMs: 0}},
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
  if (RUNTIMES.some((r) => a.given(r))) {
    const {checkEndpoint} = await import('../app/options.js')
    try {
      for (const r of RUNTIMES) checkEndpoint(r, endpoints[r])
    } catch {
      return undefined
    }
  }
  return {
    docker: endpoints.docker,
    'docker-timeout': a.ms('docker-timeout')!,
    podman: endpoints.podman,
    'podman-timeout': a.ms('podman-timeout')!,
    containerd: endpoints.containerd,
    'containerd-namespace': a.str('containerd-namespace', D.containerd.namespace),
    'containerd-timeout': a.ms('containerd-timeout')!,
    crio: endpoints.crio,
    'crio-timeout': a.ms('crio-timeout')!,
    'docker-only': a.values['docker-only'] === true,
    'raw-cgroup-prefix-whitelist': a.list('raw-cgroup-prefix-whitelist'),
  }
}
