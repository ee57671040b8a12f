// `cadv serve --kubelet-labels` on real cgroups laid out as the kubelet lays them out (no
// runtime here: test/e2e/kubernetes-cri.test.ts runs real pods): /metrics/cadvisor serves the
// same metrics as /metrics, no series carries container_label_*, and a pod cgroup whose pod no
// runtime described carries no pod labels. Needs root and a writable cgroupfs (CI has both).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {runCli} from '../helpers/cli.js'
import {parseExposition, samples} from '../helpers/exposition.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()
const UID = '0f1e2d3c-4b5a-4697-8877-665544332211'
const POD = `kubepods/burstable/pod${UID}`
let tc: TestCgroups
let serve: ServeProcess

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-kubelet')
  tc.mkdir(`${POD}/app`)
  tc.spawnIn(`${POD}/app`, 'sh', ['-c', 'while :; do sleep 1; done'])
  serve = await new ServeProcess(['--kubelet-labels', '--housekeeping-interval', '200ms', '--raw-cgroup-prefix-whitelist', tc.root]).ready()
})

after(async () => {
  if (skip) return
  await serve?.stop()
  await tc.cleanup()
})

test('/metrics/cadvisor serves the metrics, labelled as the kubelet labels them', {skip}, async () => {
  const app = tc.name(`${POD}/app`)
  const text = await until('the pod cgroups in /metrics/cadvisor', async () => {
    const res = await fetch(`${serve.url}/metrics/cadvisor`)
    assert.equal(res.status, 200)
    const t = await res.text()
    return samples(parseExposition(t, 'prometheus'), 'container_memory_usage_bytes', {id: app}).length === 1 ? t : undefined
  })
  const fams = parseExposition(text, 'prometheus')
  const ours = samples(fams, 'container_memory_usage_bytes').filter((s) => s.labels.id!.startsWith(tc.root))
  assert.deepEqual(
    ours.map((s) => s.labels.id).sort(),
    [tc.root, tc.name('kubepods'), tc.name('kubepods/burstable'), tc.name(POD), app].sort(),
  )
  // No runtime described anything here: the kubelet's six labels, all empty but the id.
  for (const s of ours) assert.deepEqual(s.labels, {id: s.labels.id, name: '', image: '', namespace: '', pod: '', container: ''})
  const plain = parseExposition(await (await fetch(`${serve.url}/metrics`)).text(), 'prometheus')
  assert.deepEqual(
    [...plain.keys()].filter((f) => f.startsWith('container_')).sort(),
    [...fams.keys()].filter((f) => f.startsWith('container_')).sort(),
  )
  assert.match(await (await fetch(`${serve.url}/`)).text(), /\/metrics\/cadvisor/)
})

test('serve --once --kubelet-labels prints the same label set', {skip}, async () => {
  const r = await runCli(['serve', '--once', '--kubelet-labels', '--raw-cgroup-prefix-whitelist', tc.root])
  assert.equal(r.code, 0, r.stderr)
  const s = samples(parseExposition(r.stdout, 'prometheus'), 'container_memory_usage_bytes', {id: tc.name(POD)})
  assert.equal(s.length, 1)
  assert.deepEqual(Object.keys(s[0]!.labels), ['id', 'name', 'image', 'namespace', 'pod', 'container'])
})
