// The kubelet's cgroup tree as names (both drivers, every QoS class, under a --cgroup-root),
// the three io.kubernetes.* labels, and the pod index that names pod cgroups.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {kubeletIdentity, kubepodsPlace, kubernetesPlacement, PodIndex} from '../../../src/lib/cgroups/index.js'
import {formatDecision} from '../../../src/lib/output/index.js'
import {createResolver} from '../../../src/lib/factories/index.js'

const ID = '0123456789abcdef'.repeat(4)
const UID = '1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809'
const SUID = UID.replaceAll('-', '_')

test('cgroupfs driver: kubepods, QoS, pod and container levels; guaranteed pods sit directly under kubepods', () => {
  assert.deepEqual(kubepodsPlace('/kubepods'), {driver: 'cgroupfs', level: 'kubepods'})
  assert.deepEqual(kubepodsPlace('/kubepods/burstable'), {driver: 'cgroupfs', level: 'qos', qos: 'burstable'})
  assert.deepEqual(kubepodsPlace(`/kubepods/besteffort/pod${UID}`), {
    driver: 'cgroupfs',
    level: 'pod',
    qos: 'besteffort',
    podUid: UID,
    podCgroup: `/kubepods/besteffort/pod${UID}`,
  })
  assert.deepEqual(kubepodsPlace(`/kubepods/pod${UID}/${ID}`), {
    driver: 'cgroupfs',
    level: 'container',
    qos: 'guaranteed',
    podUid: UID,
    podCgroup: `/kubepods/pod${UID}`,
  })
  // CRI-O's cgroupfs names and a kubelet --cgroup-root of /kubelet.
  assert.equal(kubepodsPlace(`/kubelet/kubepods/burstable/pod${UID}/crio-${ID}`)?.podUid, UID)
  assert.equal(kubepodsPlace(`/kubelet/kubepods/burstable/pod${UID}/crio-${ID}`)?.podCgroup, `/kubelet/kubepods/burstable/pod${UID}`)
})

test('systemd driver: slices repeat their parents, the uid has _ for -, under kubelet.slice too', () => {
  const pod = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${SUID}.slice`
  assert.deepEqual(kubepodsPlace('/kubepods.slice'), {driver: 'systemd', level: 'kubepods'})
  assert.deepEqual(kubepodsPlace('/kubepods.slice/kubepods-besteffort.slice'), {driver: 'systemd', level: 'qos', qos: 'besteffort'})
  assert.deepEqual(kubepodsPlace(pod), {driver: 'systemd', level: 'pod', qos: 'burstable', podUid: UID, podCgroup: pod})
  for (const leaf of [`cri-containerd-${ID}.scope`, `crio-${ID}.scope`, `docker-${ID}.scope`, `crio-conmon-${ID}.scope`]) {
    const p = kubepodsPlace(`${pod}/${leaf}`)
    assert.equal(p?.level, 'container', leaf)
    assert.equal(p?.podUid, UID, leaf)
  }
  const guaranteed = `/kubepods.slice/kubepods-pod${SUID}.slice`
  assert.deepEqual(kubepodsPlace(`${guaranteed}/cri-containerd-${ID}.scope`), {
    driver: 'systemd',
    level: 'container',
    qos: 'guaranteed',
    podUid: UID,
    podCgroup: guaranteed,
  })
  const rooted = `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${SUID}.slice`
  assert.deepEqual(kubepodsPlace(rooted), {driver: 'systemd', level: 'pod', qos: 'besteffort', podUid: UID, podCgroup: rooted})
})

test('names outside kubepods, and misspelt pods, are not pods', () => {
  for (const name of ['/', '/docker', `/docker/${ID}`, '/kubepodsx/burstable', '/system.slice/kubepods.service', '/k8s.io/x']) {
    assert.equal(kubepodsPlace(name), undefined, name)
  }
  // Under a QoS cgroup but not named like a pod: kept at the QoS level, never given a uid.
  assert.deepEqual(kubepodsPlace('/kubepods/burstable/notapod'), {driver: 'cgroupfs', level: 'qos', qos: 'burstable'})
  // A systemd pod slice must repeat its parent's name.
  assert.equal(kubepodsPlace(`/kubepods.slice/kubepods-burstable.slice/other-burstable-pod${SUID}.slice`)?.level, 'qos')
  assert.equal(kubepodsPlace(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${SUID}.slice`)?.level, 'pod')
})

test("identity: a container's own labels; a pod cgroup its pod's from the index; QoS cgroups nothing", () => {
  const labels = {
    'io.kubernetes.pod.namespace': 'shop',
    'io.kubernetes.pod.name': 'web-0',
    'io.kubernetes.pod.uid': UID,
    'io.kubernetes.container.name': 'nginx',
  }
  const container = `/kubepods/burstable/pod${UID}/${ID}`
  const pods = new PodIndex()
  pods.add(container, labels)
  assert.deepEqual(kubeletIdentity(container, labels, pods), {namespace: 'shop', pod: 'web-0', container: 'nginx'})
  assert.deepEqual(kubeletIdentity(`/kubepods/burstable/pod${UID}`, {}, pods), {namespace: 'shop', pod: 'web-0', container: ''})
  assert.deepEqual(kubeletIdentity('/kubepods/burstable', {}, pods), {namespace: '', pod: '', container: ''})
  assert.deepEqual(kubeletIdentity(`/kubepods/burstable/pod${UID}`, {}), {namespace: '', pod: '', container: ''})
  // Without the uid label, the uid comes from the container's cgroup name (systemd spelling).
  const sandbox = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${SUID}.slice/cri-containerd-${ID}.scope`
  const other = new PodIndex()
  other.add(sandbox, {'io.kubernetes.pod.namespace': 'ns', 'io.kubernetes.pod.name': 'p'})
  assert.deepEqual(kubeletIdentity(`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${SUID}.slice`, undefined, other), {
    namespace: 'ns',
    pod: 'p',
    container: '',
  })
})

test('cadv resolve says where a name sits in kubepods, in text and JSON', async () => {
  const name = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${SUID}.slice/cri-containerd-${ID}.scope`
  const r = createResolver({offline: true})
  const {decision} = await r.resolve(name)
  r.close()
  assert.equal(decision.factory, 'containerd')
  assert.deepEqual(decision.kubernetes, {driver: 'systemd', level: 'container', qos: 'burstable', podUid: UID})
  assert.match(
    formatDecision(decision).split('\n')[1]!,
    new RegExp(`^  kubernetes  container of pod ${UID}, QoS burstable, systemd cgroup driver$`),
  )
  const labels = {'io.kubernetes.pod.namespace': 'ns', 'io.kubernetes.pod.name': 'p', 'io.kubernetes.container.name': 'c'}
  assert.deepEqual(kubernetesPlacement(name, labels), {
    driver: 'systemd',
    level: 'container',
    qos: 'burstable',
    podUid: UID,
    namespace: 'ns',
    pod: 'p',
    container: 'c',
  })
  const outside = await createResolver({offline: true}).resolve(`/docker/${ID}`)
  assert.equal(outside.decision.kubernetes, undefined)
})
