// Every rule of every factory, on the typical cgroup names of cadvisor.md §3.4. Runtime
// answers come from scripted clients here; the real daemons are exercised in
// test/e2e/runtimes.test.ts.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {
  ContainerdFactory,
  CrioFactory,
  DockerFactory,
  FACTORY_ORDER,
  PodmanFactory,
  RawFactory,
  RuntimeUnreachable,
  SystemdFactory,
  containerIdTest,
  createFactories,
  createResolver,
  decide,
  filterEnv,
  resolverOptions,
  type ContainerdApi,
  type CrioApi,
  type EngineApi,
  type EngineContainer,
  type Factory,
  type ResolverOptionsInput,
} from '../../src/lib/factories/index.js'

const ID = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'fedcba98' // 64 chars of [a-f0-9]
const ID2 = 'b'.repeat(64)
const UID = '1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809'

/** cadvisor.md §3.4, one entry per row (and the CI machine's real paths from runtimes.md). */
const NAMES = {
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

function engineContainer(over: Partial<EngineContainer> = {}): EngineContainer {
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
function engine(table: Record<string, EngineContainer | Error | EngineContainer[]>): EngineApi & {calls: string[]} {
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

const opts = (o: ResolverOptionsInput = {}) => resolverOptions(o)

describe('shared name test', () => {
  test('finds the 64-character id in every runtime naming style', () => {
    for (const key of [
      'dockerCgroupfs',
      'dockerSystemd',
      'criContainerdCgroupfs',
      'criContainerdSystemd',
      'ctrNamespace',
      'crioCgroupfs',
      'crioSystemd',
      'crioConmon',
      'podmanSystemd',
      'podmanCgroupfs',
    ] as const) {
      const t = containerIdTest(NAMES[key])
      assert.ok(t.ok, key)
      assert.equal(t.ok && t.id, ID, key)
    }
  })

  test('pod cgroups, conmon and the root have no id', () => {
    for (const n of [NAMES.podCgroupfs, NAMES.podSystemd, NAMES.podmanConmon, '/', '/docker']) {
      const t = containerIdTest(n)
      assert.equal(t.ok, false, n)
      assert.match(t.ok ? '' : t.reason, /no 64-character/)
    }
  })

  test('the run is [a-z0-9] (not only hex), unanchored, and the first run wins', () => {
    const z = 'z'.repeat(64)
    const t = containerIdTest(`/x/pre-${z}-post`)
    assert.ok(t.ok && t.id === z)
    assert.equal(containerIdTest(`/x/${'A'.repeat(64)}`).ok, false)
    assert.equal(containerIdTest(`/x/${'a'.repeat(63)}`).ok, false)
    const long = `/x/${'1'.repeat(70)}`
    assert.ok(containerIdTest(long).ok)
  })

  test('.mount names are refused even with an id', () => {
    const t = containerIdTest(`/system.slice/var-lib-docker-${ID}.mount`)
    assert.equal(t.ok, false)
    assert.match(t.ok ? '' : t.reason, /\.mount/)
  })

  test('env whitelist keeps only keys with a listed prefix', () => {
    assert.deepEqual(filterEnv(['PATH=/bin', 'CADV_ENV=1', 'CADV_X=a=b', 'SECRET=x'], ['CADV_']), {CADV_ENV: '1', CADV_X: 'a=b'})
    assert.deepEqual(filterEnv(['PATH=/bin'], []), {})
  })
})

describe('docker', () => {
  test('a running container is accepted with its metadata; name first in aliases', async () => {
    const f = new DockerFactory(engine({[ID]: engineContainer()}), opts({envMetadataWhitelist: ['CADV_']}))
    const a = await f.canHandleAndAccept(NAMES.dockerCgroupfs)
    assert.equal(a.canHandle, true)
    assert.equal(a.accept, true)
    assert.equal(a.id, ID)
    assert.match(a.reason, /running docker container "web"/)
    assert.deepEqual(a.info?.aliases, ['web', ID])
    assert.deepEqual(a.info?.env, {CADV_ENV: '1'})
    assert.equal(a.info?.image, 'localhost/cadv-busybox:latest')
    assert.equal(a.info?.pid, 4242)
    assert.equal(a.info?.hasNetwork, true)
  })

  test('the systemd-driver name asks docker for the same id', async () => {
    const client = engine({[ID]: engineContainer()})
    const a = await new DockerFactory(client, opts()).canHandleAndAccept(NAMES.dockerSystemd)
    assert.equal(a.accept, true)
    assert.deepEqual(client.calls, [ID])
  })

  test('unknown, stopped and unreachable fall through with the reason', async () => {
    const f = new DockerFactory(
      engine({[ID]: engineContainer({running: false, status: 'exited'}), [ID2]: new RuntimeUnreachable('unix:///x', 'connect ENOENT')}),
      opts(),
    )
    const stopped = await f.canHandleAndAccept(NAMES.dockerCgroupfs)
    assert.deepEqual([stopped.canHandle, stopped.accept], [false, false])
    assert.match(stopped.reason, /not running \(status exited\)/)
    const gone = await f.canHandleAndAccept(`/docker/${'c'.repeat(64)}`)
    assert.match(gone.reason, /has no container .*404/)
    const down = await f.canHandleAndAccept(`/docker/${ID2}`)
    assert.equal(down.reason, 'unreachable: unix:///x (connect ENOENT)')
  })

  test('a container still starting is asked again until it runs', async () => {
    const client = engine({[ID]: [engineContainer({running: false, status: 'created'}), engineContainer()]})
    const a = await new DockerFactory(client, opts()).canHandleAndAccept(NAMES.dockerCgroupfs)
    assert.equal(a.accept, true)
    assert.equal(client.calls.length, 2)
  })

  test('a container sharing another network namespace has no network of its own', async () => {
    const a = await new DockerFactory(engine({[ID]: engineContainer({networkMode: `container:${ID2}`})}), opts()).canHandleAndAccept(
      NAMES.dockerCgroupfs,
    )
    assert.equal(a.info?.hasNetwork, false)
  })

  test('names without an id are not sent to the daemon', async () => {
    const client = engine({})
    const a = await new DockerFactory(client, opts()).canHandleAndAccept(NAMES.podCgroupfs)
    assert.equal(a.canHandle, false)
    assert.deepEqual(client.calls, [])
  })
})

describe('podman', () => {
  test('rootful cgroupfs and systemd names are accepted when running', async () => {
    const f = new PodmanFactory(engine({[ID]: engineContainer({name: 'pm'})}), opts())
    for (const n of [NAMES.podmanCgroupfs, NAMES.podmanSystemd]) {
      const a = await f.canHandleAndAccept(n)
      assert.equal(a.accept, true, n)
      assert.deepEqual(a.info?.aliases, ['pm', ID])
      assert.equal(a.info?.name, n)
    }
  })

  test('rootless: the `container` leaf is dropped before the id test', async () => {
    const client = engine({[ID]: engineContainer({name: 'pm'})})
    const a = await new PodmanFactory(client, opts()).canHandleAndAccept(NAMES.podmanRootless)
    assert.equal(a.accept, true)
    assert.equal(a.info?.name, NAMES.podmanRootless)
    assert.deepEqual(client.calls, [ID])
    // docker has no such rule: `container` has no id.
    const d = await new DockerFactory(engine({[ID]: engineContainer()}), opts()).canHandleAndAccept(NAMES.podmanRootless)
    assert.equal(d.canHandle, false)
  })

  test("conmon's cgroup has no id and falls through", async () => {
    const a = await new PodmanFactory(engine({}), opts()).canHandleAndAccept(NAMES.podmanConmon)
    assert.equal(a.canHandle, false)
    assert.match(a.reason, /"conmon" holds no 64-character/)
  })
})

function containerd(known: Record<string, {labels?: Record<string, string>; pid?: number}>): ContainerdApi {
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

describe('containerd', () => {
  test('CRI cgroupfs and systemd names are accepted when containerd knows the id; the id is alias 0', async () => {
    const f = new ContainerdFactory(
      opts({envMetadataWhitelist: ['CADV_']}),
      containerd({[ID]: {pid: 77, labels: {'io.kubernetes.container.name': 'app', 'io.cri-containerd.kind': 'container'}}}),
    )
    for (const n of [NAMES.criContainerdCgroupfs, NAMES.criContainerdSystemd, NAMES.ctrNamespace]) {
      const a = await f.canHandleAndAccept(n)
      assert.equal(a.accept, true, n)
      assert.deepEqual(a.info?.aliases, [ID, n])
      assert.equal(a.info?.pid, 77)
      assert.deepEqual(a.info?.env, {CADV_A: '1'})
      assert.equal(a.info?.hasNetwork, false, 'only the sandbox owns the pod network')
      assert.match(a.reason, /namespace k8s\.io, task running, pid 77/)
    }
  })

  test('no running check: a container without a task is still accepted', async () => {
    const a = await new ContainerdFactory(opts(), containerd({[ID]: {}})).canHandleAndAccept(NAMES.ctrNamespace)
    assert.equal(a.accept, true)
    assert.match(a.reason, /no task/)
    assert.equal(a.info?.pid, 0)
  })

  test('an id containerd does not know falls through', async () => {
    const a = await new ContainerdFactory(opts(), containerd({})).canHandleAndAccept(NAMES.ctrNamespace)
    assert.equal(a.canHandle, false)
    assert.match(a.reason, /no container .* in namespace k8s\.io/)
  })
})

function crio(driver: string, known: string[] = [ID], down = false): CrioApi & {infoCalls: number} {
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

describe('crio', () => {
  test('crio-conmon is not a container', async () => {
    const a = await new CrioFactory(opts(), crio('systemd')).canHandleAndAccept(NAMES.crioConmon)
    assert.deepEqual([a.canHandle, a.accept], [false, false])
    assert.match(a.reason, /conmon/)
  })

  test('system-systemd* is ignored when CRI-O runs, falls through when it does not', async () => {
    const n = '/system.slice/system-systemd\\x2dfsck.slice'
    const up = await new CrioFactory(opts(), crio('systemd')).canHandleAndAccept(n)
    assert.deepEqual([up.canHandle, up.accept], [true, false])
    const down = await new CrioFactory(opts(), crio('systemd', [], true)).canHandleAndAccept(n)
    assert.equal(down.canHandle, false)
    assert.match(down.reason, /^unreachable: /)
  })

  test('names not starting with crio, or without an id, fall through without asking CRI-O', async () => {
    const api = crio('cgroupfs')
    const f = new CrioFactory(opts(), api)
    assert.match((await f.canHandleAndAccept(NAMES.dockerCgroupfs)).reason, /does not start with "crio"/)
    assert.match((await f.canHandleAndAccept('/kubepods/crio-short')).reason, /no 64-character/)
    assert.equal(api.infoCalls, 0)
  })

  test('systemd driver: .scope is a container, the rest is a pod sandbox (ignored)', async () => {
    const f = new CrioFactory(opts(), crio('systemd'))
    const c = await f.canHandleAndAccept(NAMES.crioSystemd)
    assert.deepEqual([c.canHandle, c.accept], [true, true])
    assert.deepEqual(c.info?.aliases, ['k8s_app_pod_ns_uid_0', ID])
    assert.equal(c.info?.restartCount, 2)
    assert.equal(c.info?.hasNetwork, false)
    const sandbox = await f.canHandleAndAccept(`/kubepods.slice/crio-${ID}`)
    assert.deepEqual([sandbox.canHandle, sandbox.accept], [true, false])
    assert.match(sandbox.reason, /pod sandbox/)
  })

  test('cgroupfs driver: crio-<id> is a container', async () => {
    const a = await new CrioFactory(opts(), crio('cgroupfs')).canHandleAndAccept(NAMES.crioCgroupfs)
    assert.deepEqual([a.canHandle, a.accept], [true, true])
  })

  test('metadata that cannot be fetched does not change the decision', async () => {
    const a = await new CrioFactory(opts(), crio('cgroupfs', [])).canHandleAndAccept(NAMES.crioCgroupfs)
    assert.equal(a.accept, true)
    assert.match(a.reason, /404/)
  })
})

describe('systemd and raw', () => {
  test('systemd ignores .mount cgroups and nothing else', async () => {
    const f = new SystemdFactory()
    assert.deepEqual(Object.values(await f.canHandleAndAccept('/system.slice/var-lib-docker.mount')).slice(0, 2), [true, false])
    assert.equal((await f.canHandleAndAccept('/system.slice/ssh.service')).canHandle, false)
  })

  test('raw: / always; everything by default', async () => {
    const f = new RawFactory(opts())
    assert.equal((await f.canHandleAndAccept('/')).accept, true)
    assert.equal((await f.canHandleAndAccept('/system.slice/ssh.service')).accept, true)
  })

  test('raw: --docker-only without a whitelist ignores all but /', async () => {
    const f = new RawFactory(opts({dockerOnly: true}))
    assert.equal((await f.canHandleAndAccept('/')).accept, true)
    const a = await f.canHandleAndAccept('/system.slice/ssh.service')
    assert.deepEqual([a.canHandle, a.accept], [true, false])
  })

  test('raw: a whitelist restricts with or without --docker-only (string prefixes)', async () => {
    for (const dockerOnly of [false, true]) {
      const f = new RawFactory(opts({dockerOnly, rawCgroupPrefixWhitelist: ['/kubepods,/system.slice/ssh']}))
      assert.equal((await f.canHandleAndAccept(NAMES.podCgroupfs)).accept, true)
      assert.equal((await f.canHandleAndAccept('/system.slice/ssh.service')).accept, true, 'plain string prefix')
      assert.equal((await f.canHandleAndAccept('/user.slice')).accept, false)
      assert.equal((await f.canHandleAndAccept('/')).accept, true)
    }
  })
})

describe('registry', () => {
  test('the order is fixed and documented', () => {
    assert.deepEqual([...FACTORY_ORDER], ['docker', 'podman', 'containerd', 'crio', 'systemd', 'raw'])
    assert.deepEqual(
      createFactories(opts()).map((f) => f.name),
      [...FACTORY_ORDER],
    )
  })

  test('the first factory that handles decides; every factory asked is listed with its reason', async () => {
    const factories: Factory[] = [
      new DockerFactory(engine({}), opts()),
      new PodmanFactory(engine({[ID]: engineContainer({name: 'pm'})}), opts()),
      new ContainerdFactory(opts(), containerd({[ID]: {}})),
      new CrioFactory(opts(), crio('cgroupfs')),
      new SystemdFactory(),
      new RawFactory(opts()),
    ]
    const r = await decide(factories, NAMES.podmanCgroupfs)
    assert.equal(r.decision.factory, 'podman')
    assert.equal(r.decision.accepted, true)
    assert.equal(r.decision.id, ID)
    assert.deepEqual(
      r.decision.checks.map((c) => c.factory),
      ['docker', 'podman'],
    )
    assert.ok(r.decision.checks.every((c) => c.reason.length > 0))
    assert.equal(r.info?.factory, 'podman')

    const mount = await decide(factories, '/system.slice/x.mount')
    assert.deepEqual([mount.decision.factory, mount.decision.accepted, mount.info], ['systemd', false, undefined])

    const pod = await decide(factories, NAMES.podSystemd)
    assert.equal(pod.decision.factory, 'raw')
    assert.equal(pod.decision.checks.length, 6)
    assert.deepEqual(pod.info?.aliases, [])
  })

  test('a throwing factory counts as "cannot handle"', async () => {
    const broken: Factory = {
      name: 'docker',
      canHandleAndAccept: async () => {
        throw new Error('boom')
      },
    }
    const r = await decide([broken, new RawFactory(opts())], '/x')
    assert.equal(r.decision.factory, 'raw')
    assert.equal(r.decision.checks[0]!.reason, 'error: boom')
  })
})

describe('offline: decided from names alone', () => {
  const expected: Record<keyof typeof NAMES, [string | null, boolean]> = {
    dockerCgroupfs: ['docker', true],
    dockerSystemd: ['docker', true],
    criContainerdCgroupfs: ['containerd', true],
    criContainerdSystemd: ['containerd', true],
    ctrNamespace: ['containerd', true],
    crioCgroupfs: ['crio', true],
    crioSystemd: ['crio', true],
    crioConmon: ['raw', true],
    podmanSystemd: ['podman', true],
    podmanCgroupfs: ['podman', true],
    podmanConmon: ['raw', true],
    podmanRootless: ['podman', true],
    podCgroupfs: ['raw', true],
    podSystemd: ['raw', true],
  }
  for (const [key, [factory, accepted]] of Object.entries(expected)) {
    test(`${key} → ${factory}`, async () => {
      const r = createResolver({offline: true, docker: {endpoint: 'unix:///nonexistent/docker.sock'}})
      try {
        const {decision} = await r.resolve(NAMES[key as keyof typeof NAMES])
        assert.equal(decision.factory, factory, JSON.stringify(decision.checks))
        assert.equal(decision.accepted, accepted)
        const skipped = decision.checks.filter((c) => /skipped/.test(c.reason))
        if (factory !== 'raw') assert.ok(skipped.length > 0, 'says which runtime call it skipped')
        for (const c of skipped) assert.match(c.reason, /\(--offline\)/)
      } finally {
        r.close()
      }
    })
  }

  test('a CRI-O pod sandbox under the systemd driver is ignored offline too', async () => {
    const r = createResolver({offline: true})
    const {decision} = await r.resolve(`/kubepods.slice/kubepods-besteffort.slice/crio-${ID}`)
    assert.deepEqual([decision.factory, decision.accepted], ['crio', false])
    r.close()
  })
})

describe('limits', () => {
  test('a Limiter keeps at most max calls in flight and runs them all', async () => {
    const {Limiter} = await import('../../src/lib/factories/http.js')
    const l = new Limiter(3)
    let active = 0
    let peak = 0
    const results = await Promise.all(
      Array.from({length: 10}, (_, i) =>
        l
          .run(async () => {
            peak = Math.max(peak, ++active)
            await new Promise((r) => setTimeout(r, 5))
            active--
            if (i === 4) throw new Error('four')
            return i
          })
          .catch((e: Error) => e.message),
      ),
    )
    assert.equal(peak, 3)
    assert.deepEqual(results, [0, 1, 2, 3, 'four', 5, 6, 7, 8, 9])
  })
})

describe('resolver', () => {
  test('one lookup per name until forget(); concurrent asks share it', async () => {
    const r = createResolver({offline: true})
    const name = `/docker/${ID}`
    const [a, b] = await Promise.all([r.resolve(name), r.resolve(name)])
    assert.equal(a, b)
    const c = await r.resolve(name)
    assert.equal(c, a)
    r.forget(name)
    const d = await r.resolve(name)
    assert.notEqual(d, a)
    assert.deepEqual(d.decision, a.decision)
    r.close()
  })

  test('a malformed name gets an empty decision, not an exception', async () => {
    const r = createResolver({offline: true})
    const {decision} = await r.resolve('no-slash')
    assert.deepEqual(decision, {name: 'no-slash', factory: null, accepted: false, id: null, checks: []})
    r.close()
  })

  test('absent runtimes: every runtime factory says unreachable and the name falls to raw', async () => {
    const r = createResolver({
      docker: {endpoint: 'unix:///nonexistent/docker.sock'},
      podman: {endpoint: 'unix:///nonexistent/podman.sock'},
      containerd: {endpoint: '/nonexistent/containerd.sock'},
    })
    try {
      const {decision} = await r.resolve(`/docker/${ID}`)
      assert.equal(decision.factory, 'raw')
      assert.match(decision.checks[0]!.reason, /^unreachable: unix:\/\/\/nonexistent\/docker\.sock \(connect ENOENT\)$/)
      assert.match(decision.checks[1]!.reason, /^unreachable: unix:\/\/\/nonexistent\/podman\.sock/)
      assert.match(decision.checks[2]!.reason, /^unreachable: \/nonexistent\/containerd\.sock \(connect ENOENT\)$/)
    } finally {
      r.close()
    }
  })
})
