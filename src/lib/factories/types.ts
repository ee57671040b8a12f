import type {ContainerName} from '../cgroups/index.js'

/** Metadata a runtime gives about one container; every field but the name may be missing. */
export interface ContainerInfo {
  name: ContainerName
  /** Factory that accepted it: docker, podman, containerd, crio, systemd or raw. */
  factory: string
  /** Runtime id (64 hex for docker, podman, containerd, CRI-O). */
  id?: string
  /** Aliases in cAdvisor's order; aliases[0] is the `name` label (docker: the container name). */
  aliases: string[]
  image?: string
  labels: Record<string, string>
  /** Only the variables whose keys match --env-metadata-whitelist. */
  env: Record<string, string>
  /** A process in the container, for /proc/<pid>/net/dev; 0 when unknown. */
  pid: number
  createdAt?: Date
  startedAt?: Date
  restartCount?: number
  /** False when the container shares another's network namespace: network stats are not its own. */
  hasNetwork: boolean
}

/** One factory's answer for one name (DESIGN.md "Factory decision", `checks[]`). */
export interface FactoryCheck {
  factory: string
  canHandle: boolean
  accept: boolean
  reason: string
}

/** What `cadv resolve --json` prints for one name. */
export interface FactoryDecision {
  name: ContainerName
  factory: string | null
  accepted: boolean
  id: string | null
  checks: FactoryCheck[]
}

/**
 * What the manager and `cadv watch --resolve` need from the factories: a decision for a name,
 * plus metadata when a factory accepted it. Never throws and never waits longer than the
 * runtime clients' timeouts; definitive results are cached per container until forget().
 * `provisional` marks a decision that rested on a passing state (a container not running yet,
 * a runtime that did not answer): it is not cached, and the caller should ask again later.
 */
export interface ContainerResolver {
  resolve(name: ContainerName): Promise<{decision: FactoryDecision; info?: ContainerInfo; provisional?: boolean}>
  forget(name: ContainerName): void
}
