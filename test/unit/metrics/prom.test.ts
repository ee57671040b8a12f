// prom-client from its own modules (lib/metrics/prom.ts): the default metrics are prom-client's
// own families, and what cadv loads of it leaves out @opentelemetry/api and the Summary.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import * as PromClient from 'prom-client'

import {collectDefaultMetrics, Counter, Registry} from '../../../src/lib/metrics/prom.js'

const familiesOf = async (r: PromClient.Registry): Promise<Array<{name: string; help: string; type: unknown}>> =>
  (await r.getMetricsAsJSON()).map(({name, help, type}) => ({name, help, type}))

test("the default metrics are prom-client's collectDefaultMetrics families, in its order", async () => {
  const ours = new Registry()
  collectDefaultMetrics(ours)
  const theirs = new PromClient.Registry()
  PromClient.collectDefaultMetrics({register: theirs})
  assert.deepEqual(await familiesOf(ours), await familiesOf(theirs))
})

test('the CPU counters grow with the CPU this process spends, user and system adding up to the total', async () => {
  const r = new Registry()
  collectDefaultMetrics(r)
  const value = async (name: string): Promise<number> => (await r.getSingleMetric(name)!.get()).values[0]?.value ?? Number.NaN
  await r.metrics()
  const before = await value('process_cpu_seconds_total')
  const end = Date.now() + 50
  while (Date.now() < end);
  await r.metrics()
  const [user, system, total] = await Promise.all(
    ['process_cpu_user_seconds_total', 'process_cpu_system_seconds_total', 'process_cpu_seconds_total'].map(value),
  )
  assert.ok(total! > before, `${before} -> ${total}`)
  assert.ok(Math.abs(user! + system! - total!) < 1e-9, `${user} + ${system} vs ${total}`)
})

test("the classes are prom-client's own (its index's Counter is the one required here)", () => {
  assert.equal(Counter, PromClient.Counter)
  assert.equal(Registry, PromClient.Registry)
})

/** The packaged modules a fresh process has loaded after importing `module`, under node_modules/<pkg>/. */
function loadedAfter(module: string, packages: string[]): Promise<string[]> {
  const script = `
import {createRequire} from 'node:module'
await import(${JSON.stringify(module)})
const packages = ${JSON.stringify(packages)}
const loaded = Object.keys(createRequire(import.meta.url).cache)
console.log(JSON.stringify(packages.filter((p) => loaded.some((f) => f.includes('/node_modules/' + p + '/')))))
`
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {timeout: 60_000}, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(JSON.parse(stdout) as string[]),
    ),
  )
}

test("cadv's metrics load neither @opentelemetry/api nor the Summary's tdigest", async () => {
  const unneeded = ['@opentelemetry/api', 'tdigest', 'bintrees']
  const metrics = fileURLToPath(new URL('../../../src/lib/metrics/index.ts', import.meta.url))
  assert.deepEqual(await loadedAfter(metrics, unneeded), [])
  // The check sees them: prom-client's index loads every one.
  assert.deepEqual(await loadedAfter('prom-client', unneeded), unneeded)
})
