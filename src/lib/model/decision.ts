import type {ContainerName} from './names.js'

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
  /**
   * Directories holding what the container wrote, as the runtime names them (docker, podman:
   * the overlay upper directory and the log directory), for the disk kind's walk.
   */
  writableDirs?: string[]
  /**
   * The health-check status (docker, podman: `healthy`, `unhealthy`, `starting`); absent for a
   * container without a health check. Refreshed in the background, never per housekeeping tick.
   */
  health?: string
}

/** One factory's answer for one name (the decision's `checks[]`). */
export interface FactoryCheck {
  factory: string
  canHandle: boolean
  accept: boolean
  reason: string
  /** Present (true) when the runtime could not be asked: no socket, refused, timed out. */
  unreachable?: boolean
}

/**
 * Where a name sits in a kubelet's cgroup tree (cgroups/kubepods.ts), and the pod and
 * container names the accepted container's runtime labels give.
 */
export interface KubernetesPlacement {
  driver: 'cgroupfs' | 'systemd'
  level: 'kubepods' | 'qos' | 'pod' | 'container'
  qos?: 'guaranteed' | 'burstable' | 'besteffort'
  podUid?: string
  namespace?: string
  pod?: string
  container?: string
}

/** What `cadv resolve --json` prints for one name (docs/ARCHITECTURE.md, "Factory decision"). */
export interface FactoryDecision {
  name: ContainerName
  factory: string | null
  accepted: boolean
  id: string | null
  checks: FactoryCheck[]
  /** Present when the name lies under a kubelet's `kubepods` cgroup. */
  kubernetes?: KubernetesPlacement
}

/** A decision, the metadata when a factory accepted the name, and whether it may change. */
export interface Resolution {
  decision: FactoryDecision
  info?: ContainerInfo
  /**
   * Provisional: some answer on the way rested on a passing state (a container not running yet,
   * a runtime that was unreachable or timed out), so the decision may change. The resolver does
   * not keep it and callers ask again later. This is the one definition; the factories' answers
   * (FactoryAnswer.provisional) and the manager's re-asking follow it.
   */
  provisional?: boolean
  /**
   * The cgroup name is a runtime's (its naming says so: `/docker/<id>`, `libpod-<id>.scope`, …)
   * but that runtime gave no answer for it yet (unreachable, timed out, the container not
   * running yet), so `decision` is not the container's identity. Always provisional.
   */
  awaiting?: Awaiting
}

/** A runtime the name points to that has not answered for it (Resolution.awaiting). */
export interface Awaiting {
  /** The factory the name points to: docker, podman, containerd or crio. */
  factory: string
  /** Why it has no answer: its check's reason. */
  reason: string
  /** What the name alone says (that factory, the id, no metadata), as `cadv resolve --offline` decides. */
  byName: Resolution
  /**
   * The runtime's socket does not exist: it is not running here (or restarting). Its answer is
   * not waited for, since containers of a runtime that is not there may belong to one cadv is
   * not pointed at; the decision stands as made, and is asked again in case it comes back.
   */
  absent?: boolean
}

/**
 * What the manager and `cadv watch --resolve` need from the factories: a decision for a name,
 * plus metadata when a factory accepted it. Never throws and never waits longer than the
 * runtime clients' timeouts; definitive results are cached per container until forget(),
 * provisional ones (Resolution.provisional) not at all.
 */
export interface ContainerResolver {
  resolve(name: ContainerName): Promise<Resolution>
  forget(name: ContainerName): void
  /** The health-check status of an accepted container now, from its runtime (one call). */
  health?(info: ContainerInfo): Promise<string | undefined>
}
