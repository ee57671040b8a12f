// The common "container killed" alert, `time() - container_last_seen > 60`, on a real
// Prometheus scraping `cadv serve` with its default flags: it fires within 90 s of a
// container's deletion, while none of the container's other series outlive it.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {parseExposition, samples} from '../helpers/exposition.js'
import {TestPrometheus, prometheusSkipReason} from '../helpers/prometheus.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason() ?? prometheusSkipReason()
let tc: TestCgroups
let serve: ServeProcess
let prom: TestPrometheus
let dir: string

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-seen')
  tc.mkdir()
  tc.mkdir('victim')
  tc.spawnIn('victim', 'sleep', ['3600'])
  // Default flags but the kinds, and only this test's raw cgroups (other tests' thousands
  // would only slow the start).
  serve = await new ServeProcess(['--enable-metrics', 'cpu,memory', '--raw-cgroup-prefix-whitelist', tc.root]).ready()
  dir = mkdtempSync(join(tmpdir(), 'cadvt-rules-'))
  const rules = join(dir, 'rules.yml')
  writeFileSync(
    rules,
    [
      'groups:',
      '  - name: cadv',
      '    rules:',
      '      - alert: ContainerKilled',
      `        expr: time() - container_last_seen{id=${JSON.stringify(tc.name('victim'))}} > 60`,
      '',
    ].join('\n'),
  )
  prom = new TestPrometheus()
  await prom.start([{job: 'cadv', address: `127.0.0.1:${serve.port}`}], {ruleFiles: [rules]})
})

after(async () => {
  await prom?.stop()
  await serve?.stop()
  await tc?.cleanup()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

async function firing(): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${prom.port}/api/v1/alerts`)
  const body = (await res.json()) as {data: {alerts: Array<{labels: {alertname: string}; state: string}>}}
  return body.data.alerts.some((a) => a.labels.alertname === 'ContainerKilled' && a.state === 'firing')
}

test(
  'time() - container_last_seen > 60 fires within 90 s of the deletion; the other series go at once',
  {skip, timeout: 240_000},
  async () => {
    const id = tc.name('victim')
    await until('Prometheus to have the container', async () => (await prom.query(`container_last_seen{id="${id}"}`)).length === 1, {
      timeoutMs: 60_000,
    })
    assert.equal(await firing(), false, 'no alert while it lives')
    await tc.cleanup()
    await until(
      'the alert to fire',
      async () => {
        return await firing()
      },
      {timeoutMs: 90_000, everyMs: 500},
    )
    const body = await (await fetch(`${serve.url}/metrics`)).text()
    const fams = parseExposition(body, 'prometheus')
    assert.equal(samples(fams, 'container_last_seen', {id}).length, 1, 'its last-seen time stays')
    assert.deepEqual(samples(fams, 'container_memory_usage_bytes', {id}), [], 'nothing else of it stays')
    const seen = samples(fams, 'container_last_seen', {id})[0]!.value
    assert.ok(Date.now() / 1000 - seen > 60, 'frozen at the time it was last seen')
  },
)
