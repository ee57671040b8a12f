/*
 * Scripted runtime clients and the cgroup names every factory test uses: the factories' rules
 * are tested against these answers; the real daemons are exercised in test/e2e/runtimes.test.ts.
 */
import {
  RuntimeUnreachable,
  resolverOptions,
  type ContainerdApi,
  type CrioApi,
  type EngineApi,
  type EngineContainer,
  type ResolverOptionsInput,
} from '../../src/lib/factories/index.js'

export const ID = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'fedcba98' // 64 chars of [a-f0-9]
export const ID2 = 'b'.repeat(64)
export const UID = '1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809'

/** The typical cgroup name of each runtime and cgroup driver, one entry per naming style (paths as the CI machine has them). */
export const NAMES = {
  dockerCgroupfs: `/docker/${ID}`,
  dockerSystemd: `/system.slice/docker-${ID}.scope`,
  criContainerdCgroupfs: `/kubepods/burstable/pod${UID}/${ID}`,
  criContainerdSystemd: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${ID}.scope`,
  ctrNamespace: `/k8s.io/${ID}`,
  crioCgroupfs: `/kubepods/besteffort/pod${UID}/crio-${ID}`,
  crioSystemd: `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID.replaceAll('-', '_')}.slice/crio-${ID}.scope`,
  crioConmon: `/kubepods.slice/kubepods-besteffort.slice/crio-conmon-${ID}.scope`,
  podmanSystemd: `/machine.slice/libpod-${ID}.scope`,
  podmanCgroupfs: `/libpod_parent/libpod-${ID}`,
  podmanConmon: '/libpod_parent/conmon',
  podmanRootless: `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope/container`,
  podCgroupfs: `/kubepods/burstable/pod${UID}`,
  podSystemd: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice`,
}

export function engineContainer(over: Partial<EngineContainer> = {}): EngineContainer {
  return {
    id: ID,
    name: 'web',
    image: 'localhost/cadv-busybox:latest',
    labels: {app: 'cadv'},
    env: ['PATH=/bin', 'CADV_ENV=1', 'SECRET=x'],
    pid: 4242,
    running: true,
    status: 'running',
    restartCount: 0,
    networkMode: 'none',
    ...over,
  }
}

/** An Engine API client that answers from a table of id → container (or throws). */
export function engine(table: Record<string, EngineContainer | Error | EngineContainer[]>): EngineApi & {calls: string[]} {
  const calls: string[] = []
  return {
    endpoint: 'unix:///test/engine.sock',
    calls,
    async inspect(id: string) {
      calls.push(id)
      const v = table[id]
      if (v instanceof Error) throw v
      if (Array.isArray(v)) return v.length > 1 ? v.shift()! : v[0]!
      return v ?? null
    },
  }
}

/** Resolver options with the defaults filled in. */
export const opts = (o: ResolverOptionsInput = {}) => resolverOptions(o)

/** A containerd client that knows the given containers (a pid means a running task). */
export function containerd(known: Record<string, {labels?: Record<string, string>; pid?: number}>): ContainerdApi {
  return {
    async getContainer(id) {
      const c = known[id]
      return c ? {id, labels: c.labels ?? {}, image: 'docker.io/library/busybox:latest', env: ['PATH=/bin', 'CADV_A=1']} : null
    },
    async getTask(id) {
      const c = known[id]
      return c?.pid ? {pid: c.pid, status: 'RUNNING'} : null
    },
    close() {},
  }
}

/** A CRI-O client with the given cgroup driver that knows these ids, or is down. */
export function crio(driver: string, known: string[] = [ID], down = false): CrioApi & {infoCalls: number} {
  const api = {
    endpoint: '/test/crio.sock',
    infoCalls: 0,
    async getInfo() {
      api.infoCalls++
      if (down) throw new RuntimeUnreachable('/test/crio.sock', 'connect ENOENT')
      return {cgroupDriver: driver, storageDriver: 'overlay', storageRoot: '/var/lib/containers/storage'}
    },
    async getContainer(id: string) {
      return known.includes(id)
        ? {
            name: 'k8s_app_pod_ns_uid_0',
            pid: 99,
            image: 'img',
            labels: {'io.kubernetes.container.name': 'app'},
            annotations: {'io.kubernetes.container.restartCount': '2'},
          }
        : null
    },
  }
  return api
}
