// --kubelet-labels: the label set of the kubelet's /metrics/cadvisor on every series, pod
// cgroups named after their pod as soon as one of its containers is known, the JSON API's
// fields, and the exposition cache re-rendering a pod cgroup when its pod becomes known.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'

import {selectKinds} from '../../../src/lib/stats/index.js'
import type {ContainerInfo, ContainerState, ContainerView, ContainerViewEvents, Sample} from '../../../src/lib/model/index.js'
import {containersApi, Exposition, readMachineInfo} from '../../../src/lib/metrics/index.js'

import {parseExposition, samples} from '../../helpers/exposition.js'

const machine = readMachineInfo()
const kinds = selectKinds(['cpu', 'memory'])
const ID = '0123456789abcdef'.repeat(4)
const SANDBOX = 'fedcba9876543210'.repeat(4)
const UID = '1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809'
const POD = `/kubepods/burstable/pod${UID}`

function sample(name: string): Sample {
  return {
    name,
    timestampMs: 1_700_000_000_000,
    cpu: {usageNs: 1e9, userNs: 5e8, systemNs: 5e8},
    memory: {usageBytes: 100, workingSetBytes: 50},
  }
}

function state(name: string, info?: Partial<ContainerInfo>): ContainerState {
  const s: ContainerState = {name, firstSeenMs: 0, samples: [sample(name)]}
  if (info) s.info = {name, factory: 'containerd', aliases: [], labels: {}, env: {}, pid: 1, hasNetwork: false, ...info}
  return s
}

const podLabels = {'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.name': 'web-0', 'io.kubernetes.pod.uid': UID}

function pod(): ContainerState[] {
  return [
    state('/kubepods'),
    state('/kubepods/burstable'),
    state(POD),
    state(`${POD}/${SANDBOX}`, {
      id: SANDBOX,
      aliases: [SANDBOX, `${POD}/${SANDBOX}`],
      image: 'localhost/pause:1',
      labels: {...podLabels, 'io.cri-containerd.kind': 'sandbox'},
    }),
    state(`${POD}/${ID}`, {
      id: ID,
      aliases: [ID, `${POD}/${ID}`],
      image: 'localhost/nginx:1',
      labels: {...podLabels, 'io.kubernetes.container.name': 'nginx', app: 'web', 'io.cri-containerd.kind': 'container'},
      env: {DEPLOY: 'prod'},
    }),
    state(`/docker/${'d'.repeat(64)}`, {factory: 'docker', aliases: ['db'], image: 'pg', labels: {team: 'x'}}),
  ]
}

/** The kubelet's six labels, all empty but the id. */
function empty(id: string): Record<string, string> {
  return {id, name: '', image: '', namespace: '', pod: '', container: ''}
}

function labelsById(e: Exposition, states: ContainerState[]): Map<string, Record<string, string>> {
  const fams = parseExposition(e.render(states, 'prometheus'), 'prometheus')
  return new Map(samples(fams, 'container_memory_usage_bytes').map((s) => [s.labels.id!, s.labels]))
}

test("the kubelet's label set: namespace, pod, container; pod cgroups get their pod; no container_label_*", () => {
  const e = new Exposition({kinds, machine, version: '1', labels: {storeContainerLabels: true, whitelistedLabels: [], kubelet: true}})
  const byId = labelsById(e, pod())
  assert.deepEqual(byId.get(`${POD}/${ID}`), {
    id: `${POD}/${ID}`,
    name: ID,
    image: 'localhost/nginx:1',
    namespace: 'shop',
    pod: 'web-0',
    container: 'nginx',
    // --env-metadata-whitelist is an explicit ask: kept.
    container_env_DEPLOY: 'prod',
  })
  // The sandbox: its pod, no container name (containerd's CRI gives it none), as the kubelet shows it.
  assert.deepEqual(byId.get(`${POD}/${SANDBOX}`), {
    id: `${POD}/${SANDBOX}`,
    name: SANDBOX,
    image: 'localhost/pause:1',
    namespace: 'shop',
    pod: 'web-0',
    container: '',
  })
  // The pod cgroup: what the kubelet's pod lookup gives it; QoS and kubepods cgroups: nothing.
  assert.deepEqual(byId.get(POD), {...empty(POD), namespace: 'shop', pod: 'web-0'})
  assert.deepEqual(byId.get('/kubepods/burstable'), empty('/kubepods/burstable'))
  assert.deepEqual(byId.get('/kubepods'), empty('/kubepods'))
  // Outside Kubernetes: no pod labels, and runtime labels dropped as the kubelet drops them.
  const db = `/docker/${'d'.repeat(64)}`
  assert.deepEqual(byId.get(db), {...empty(db), name: 'db', image: 'pg'})
})

test('the six labels are written even when empty, as the kubelet writes them (honor_labels relies on it)', () => {
  const e = new Exposition({kinds, machine, version: '1', labels: {storeContainerLabels: true, whitelistedLabels: [], kubelet: true}})
  const text = e.render([state('/kubepods/burstable')], 'prometheus')
  assert.match(text, /^container_memory_usage_bytes\{id="\/kubepods\/burstable",name="",image="",namespace="",pod="",container=""\} 100$/m)
})

test('--whitelisted-container-labels keys are kept beside the kubelet set', () => {
  const e = new Exposition({kinds, machine, version: '1', labels: {storeContainerLabels: true, whitelistedLabels: ['app'], kubelet: true}})
  const l = labelsById(e, pod()).get(`${POD}/${ID}`)!
  assert.equal(l.container_label_app, 'web')
  assert.equal(l.container_label_io_kubernetes_pod_name, undefined)
})

test('without --kubelet-labels nothing changes: container_label_io_kubernetes_* and no pod labels', () => {
  const e = new Exposition({kinds, machine, version: '1'})
  const byId = labelsById(e, pod())
  const l = byId.get(`${POD}/${ID}`)!
  assert.equal(l.container_label_io_kubernetes_pod_name, 'web-0')
  assert.equal(l.pod, undefined)
  assert.deepEqual(byId.get(POD), {id: POD})
})

test('a pod cgroup cached before its pod was known is rendered again once it is, and again when the pod is gone', () => {
  const e = new Exposition({kinds, machine, version: '1', labels: {storeContainerLabels: true, whitelistedLabels: [], kubelet: true}})
  const [, , podCg, sandbox] = pod()
  assert.deepEqual(labelsById(e, [podCg!]).get(POD), empty(POD))
  // Same sample, same info: only the sandbox's arrival changes the pod cgroup's labels.
  assert.deepEqual(labelsById(e, [podCg!, sandbox!]).get(POD), {...empty(POD), namespace: 'shop', pod: 'web-0'})
  assert.deepEqual(labelsById(e, [podCg!]).get(POD), empty(POD))
})

class View extends EventEmitter<ContainerViewEvents> implements ContainerView {
  constructor(private readonly list: ContainerState[]) {
    super()
  }
  containers(): Iterable<ContainerState> {
    return this.list
  }
  get(name: string): ContainerState | undefined {
    return this.list.find((c) => c.name === name)
  }
}

async function getJson(route: ReturnType<typeof containersApi>, path: string): Promise<unknown> {
  let body = ''
  const res = {
    req: {method: 'GET'},
    writeHead: () => res,
    end: (b?: Buffer) => {
      body = b?.toString('utf8') ?? ''
    },
  }
  await route.handle({} as never, res as never, new URL(path, 'http://x'))
  return JSON.parse(body)
}

test('the JSON API adds namespace, pod and container (when known) under --kubelet-labels only', async () => {
  const view = new View(pod())
  const withK = (await getJson(containersApi(view, {kubelet: true}), '/api/v1/containers')) as Array<Record<string, unknown>>
  const c = withK.find((x) => x.name === `${POD}/${ID}`)!
  assert.deepEqual([c.namespace, c.pod, c.container], ['shop', 'web-0', 'nginx'])
  const p = (await getJson(containersApi(view, {kubelet: true}), `/api/v1/containers${POD}`)) as Record<string, unknown>
  assert.deepEqual([p.namespace, p.pod, 'container' in p], ['shop', 'web-0', false])
  const without = (await getJson(containersApi(view), '/api/v1/containers')) as Array<Record<string, unknown>>
  assert.equal(
    without.some((x) => 'pod' in x),
    false,
  )
})
