/**
 * Everything the resolver needs to know, in one plain object: the runtime endpoints and their
 * timeouts, and cAdvisor's filtering flags. Commands build it with resolverOptionsFromFlags()
 * (src/lib/cli/runtime-flags.ts); library users call createResolver() with any subset.
 */
export interface RuntimeEndpoint {
  /** `unix:///path/to.sock` or a bare socket path; docker and podman also take `tcp://host:port`. */
  endpoint: string
  /** Longest wait for one call, connection included. A hung daemon costs at most this. */
  timeoutMs: number
}

export interface ResolverOptions {
  docker: RuntimeEndpoint
  podman: RuntimeEndpoint
  containerd: RuntimeEndpoint & {
    /** Sent as the `containerd-namespace` gRPC metadata on every call. */
    namespace: string
  }
  crio: RuntimeEndpoint
  /** cAdvisor's --docker_only: raw cgroups other than `/` are ignored unless whitelisted. */
  dockerOnly: boolean
  /** cAdvisor's --raw_cgroup_prefix_whitelist: raw cgroups are accepted only under one of these string prefixes. */
  rawCgroupPrefixWhitelist: string[]
  /** Env vars become metadata only when their key starts with one of these (cAdvisor: prefix match). */
  envMetadataWhitelist: string[]
  /** Decide from names alone: no runtime is contacted; each check says which call it skipped. */
  offline: boolean
}

/** A partial ResolverOptions: each runtime's block may be given in part. */
export type ResolverOptionsInput = Partial<Omit<ResolverOptions, 'docker' | 'podman' | 'containerd' | 'crio'>> & {
  docker?: Partial<ResolverOptions['docker']>
  podman?: Partial<ResolverOptions['podman']>
  containerd?: Partial<ResolverOptions['containerd']>
  crio?: Partial<ResolverOptions['crio']>
}

export const DEFAULT_TIMEOUT_MS = 2000

export const DEFAULT_RESOLVER_OPTIONS: Readonly<ResolverOptions> = Object.freeze({
  docker: {endpoint: 'unix:///var/run/docker.sock', timeoutMs: DEFAULT_TIMEOUT_MS},
  podman: {endpoint: 'unix:///run/podman/podman.sock', timeoutMs: DEFAULT_TIMEOUT_MS},
  containerd: {endpoint: '/run/containerd/containerd.sock', namespace: 'k8s.io', timeoutMs: DEFAULT_TIMEOUT_MS},
  crio: {endpoint: '/var/run/crio/crio.sock', timeoutMs: DEFAULT_TIMEOUT_MS},
  dockerOnly: false,
  rawCgroupPrefixWhitelist: [],
  envMetadataWhitelist: [],
  offline: false,
})

/** Fills in defaults; a list option given as `a,b` is split on commas as cAdvisor does. */
export function resolverOptions(input: ResolverOptionsInput = {}): ResolverOptions {
  const d = DEFAULT_RESOLVER_OPTIONS
  return {
    docker: {...d.docker, ...input.docker},
    podman: {...d.podman, ...input.podman},
    containerd: {...d.containerd, ...input.containerd},
    crio: {...d.crio, ...input.crio},
    dockerOnly: input.dockerOnly ?? d.dockerOnly,
    rawCgroupPrefixWhitelist: splitList(input.rawCgroupPrefixWhitelist ?? d.rawCgroupPrefixWhitelist),
    envMetadataWhitelist: splitList(input.envMetadataWhitelist ?? d.envMetadataWhitelist),
    offline: input.offline ?? d.offline,
  }
}

function splitList(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
}
