// The kubelet's cgroup trees on every host kind, read through --cgroup-root from fixture trees
// (test/fixtures/kubepods: cgroupfs driver on cgroup v1 with cpu,cpuacct co-mounted; systemd
// driver on v2; systemd driver on a hybrid host below a kubelet --cgroup-root, as kind runs
// it): every cgroup is found, and each container name gets the right factory, id and pod uid
// (names only: real runtimes answer in test/e2e/kubernetes-pods.test.ts).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

import {discoverCgroups} from '../../../src/lib/cgroups/index.js'
import {createResolver} from '../../../src/lib/factories/index.js'
import {scanHierarchies} from '../../../src/lib/watch/index.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/kubepods/', import.meta.url))
const U1 = '6f1b3a52-9d0e-4c8b-a5f7-2e4d6c8a0b1c'
const U2 = '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d'
const U3 = '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e'
const [C1, C2, C3, S1] = ['1', '2', '3', 'a'].map((c) => c.repeat(64)) as [string, string, string, string]
const sd = (uid: string): string => uid.replaceAll('-', '_')

/** name → [factory, id, level, qos, pod uid] of `cadv resolve --offline`. */
type Want = Record<string, [string, string | null, string, string | undefined, string | undefined]>

async function check(tree: string, mode: string, want: Want): Promise<void> {
  const layout = discoverCgroups({cgroupRoot: `${FIXTURES}${tree}`})
  assert.equal(layout.mode, mode)
  const names = new Set(scanHierarchies(layout.hierarchies).keys())
  const resolver = createResolver({offline: true})
  try {
    for (const [name, [factory, id, level, qos, uid]] of Object.entries(want)) {
      assert.ok(names.has(name), `${tree}: ${name} found`)
      const {decision} = await resolver.resolve(name)
      assert.deepEqual(
        [decision.factory, decision.id, decision.kubernetes?.level, decision.kubernetes?.qos, decision.kubernetes?.podUid],
        [factory, id, level, qos, uid],
        `${tree}: ${name}`,
      )
    }
  } finally {
    resolver.close()
  }
}

test('cgroup v1, cgroupfs driver: containerd and CRI-O containers, guaranteed pods under /kubepods', () =>
  check('v1-cgroupfs', 'v1', {
    [`/kubepods/burstable/pod${U1}/${C1}`]: ['containerd', C1, 'container', 'burstable', U1],
    [`/kubepods/burstable/pod${U1}/${S1}`]: ['containerd', S1, 'container', 'burstable', U1],
    [`/kubepods/pod${U2}/${C2}`]: ['containerd', C2, 'container', 'guaranteed', U2],
    [`/kubepods/besteffort/pod${U3}/crio-${C3}`]: ['crio', C3, 'container', 'besteffort', U3],
    [`/kubepods/burstable/pod${U1}`]: ['raw', null, 'pod', 'burstable', U1],
    '/kubepods/besteffort': ['raw', null, 'qos', 'besteffort', undefined],
  }))

test('cgroup v2, systemd driver: cri-containerd-, crio- and docker-<id>.scope; conmon is no container', () => {
  const pod1 = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${sd(U1)}.slice`
  const pod2 = `/kubepods.slice/kubepods-pod${sd(U2)}.slice`
  const pod3 = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${sd(U3)}.slice`
  return check('v2-systemd', 'v2', {
    [`${pod1}/cri-containerd-${C1}.scope`]: ['containerd', C1, 'container', 'burstable', U1],
    [`${pod1}/cri-containerd-${S1}.scope`]: ['containerd', S1, 'container', 'burstable', U1],
    [`${pod2}/crio-${C2}.scope`]: ['crio', C2, 'container', 'guaranteed', U2],
    [`${pod2}/crio-conmon-${C2}.scope`]: ['raw', null, 'container', 'guaranteed', U2],
    [`${pod3}/docker-${C3}.scope`]: ['docker', C3, 'container', 'besteffort', U3],
    [pod1]: ['raw', null, 'pod', 'burstable', U1],
  })
})

test('hybrid host, systemd driver below the kubelet --cgroup-root kubelet.slice', () => {
  const pod = `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod${sd(U1)}.slice`
  return check('hybrid-systemd', 'hybrid', {
    [`${pod}/cri-containerd-${C1}.scope`]: ['containerd', C1, 'container', 'burstable', U1],
    [pod]: ['raw', null, 'pod', 'burstable', U1],
    '/kubelet.slice/kubelet-kubepods.slice': ['raw', null, 'kubepods', undefined, undefined],
  })
})
