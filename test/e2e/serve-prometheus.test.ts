// A real Prometheus (Debian's /usr/bin/prometheus, started here on 127.0.0.1 with its own
// config and storage) scrapes `cadv serve` every second; PromQL through its HTTP API sees a
// busy test cgroup using about one core. Needs root for the test cgroup (CI has it).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {prometheusSkipReason, TestPrometheus} from '../helpers/prometheus.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason() ?? prometheusSkipReason()
let tc: TestCgroups
let serve: ServeProcess
let prom: TestPrometheus
/** A cgroup name with a quote, a backslash, braces and non-ASCII: it becomes an `id` label value. */
const WEIRD = 'q"uo\\te {ünï} 🐳'

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-prom')
  tc.mkdir()
  tc.mkdir('busy')
  tc.mkdir(WEIRD)
  tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done'])
  serve = await new ServeProcess([
    '--sample-timestamps',
    '--housekeeping-interval',
    '500ms',
    '--max-housekeeping-interval',
    '1s',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
  ]).ready()
  prom = new TestPrometheus()
  await prom.start([{job: 'cadv', address: `127.0.0.1:${serve.port}`}])
})

after(async () => {
  if (skip) return
  await prom?.stop()
  await serve?.stop()
  await tc?.cleanup()
})

test('Prometheus scrapes cadv serve and rate(container_cpu_usage_seconds_total) of a busy cgroup is about 1 core', {skip}, async () => {
  const id = tc.name('busy')
  // The series carry their samples' timestamps (--sample-timestamps), so scrape jitter does
  // not enter the rate; the 15 s window is read once it holds enough samples.
  const series = `container_cpu_usage_seconds_total{id="${id}"}`
  const query = `sum(rate(${series}[15s]))`
  let value = NaN
  const rated = await until(
    `a rate for ${id}`,
    async () => {
      const [count] = await prom.query(`max(count_over_time(${series}[15s]))`)
      const result = count && Number(count.value[1]) >= 8 ? await prom.query(query) : []
      if (result.length > 0) value = Number(result[0]!.value[1])
      return value > 0.25
    },
    {timeoutMs: 60_000, everyMs: 500},
  ).catch(() => false)
  if (!rated) {
    const targets = await prom.targets()
    assert.fail(`no rate for ${id} (last ${value}); targets: ${JSON.stringify(targets)}; prometheus log: ${prom.log.slice(-2000)}`)
  }
  // One shell loop uses one core at most; the CI machine is shared, so it may get less.
  assert.ok(value > 0.25 && value < 1.3, `rate = ${value}`)
  const [target] = await prom.targets()
  assert.equal(target?.health, 'up', target?.lastError)
  // Prometheus negotiated OpenMetrics and kept cAdvisor's names (failcnt stays as is).
  const failcnt = await prom.query(`container_memory_failcnt{id="${id}"}`)
  const memory = await prom.query(`container_memory_usage_bytes{id="${id}"}`)
  assert.ok(memory.length === 1 && Number(memory[0]!.value[1]) > 0)
  assert.ok(failcnt.length <= 1)
  // The odd cgroup name went through the exposition escaped and came out whole.
  const weird = await prom.query(`container_memory_usage_bytes{id=${JSON.stringify(tc.name(WEIRD))}}`)
  assert.equal(weird.length, 1)
  assert.equal(weird[0]!.metric.id, tc.name(WEIRD))
  const info = await prom.query('cadv_version_info')
  assert.equal(info.length, 1)
})
