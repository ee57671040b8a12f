// The HTTP side of `cadv serve` on a thread of its own: scrapes are answered while the main
// thread's event loop is held, every other request reaches the main thread's routes as before,
// and the private socket between the two takes nothing that did not come through the thread.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {readMachineInfo, startServe, type ServeHandle} from '../../../src/lib/metrics/index.js'
import {get} from '../../helpers/http-client.js'
import {ALL_COLLECTED, dockerState, sample} from '../../helpers/states.js'
import {runningListView} from '../../helpers/view.js'
import {until} from '../../helpers/wait.js'

const state = dockerState()
const view = runningListView([state])
let handle: ServeHandle
let base: string
let dir: string
const said: string[] = []

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadv-thread-'))
  handle = await startServe({
    manager: view,
    exposition: {kinds: ALL_COLLECTED, machine: readMachineInfo(), version: '1'},
    exporterMetrics: true,
    listen: ['127.0.0.1:0'],
    telemetryPath: '/metrics',
    urlBasePrefix: '/base',
    maxRequests: 8,
    requestTimeoutMs: 20_000,
    version: '1',
    collection: {housekeepingIntervalMs: 1000, maxHousekeepingIntervalMs: 60_000, dynamicHousekeeping: true, storageDurationMs: 120_000},
    log: (m) => said.push(m),
  })
  base = `http://127.0.0.1:${handle.addresses[0]!.port}/base`
})
after(async () => {
  await handle?.stop(1000)
  rmSync(dir, {recursive: true, force: true})
})

/** Atomics.wait on it sleeps the main thread (JS on the main thread may wait in node). */
const held = new Int32Array(new SharedArrayBuffer(4))

/** A scrape by curl, in a process of its own; true once its file is complete, looked at without the event loop. */
function curlScrape(name: string, gzip: boolean): {done: () => boolean; body: () => Buffer} {
  const out = join(dir, name)
  const flag = `${out}.done`
  const encoding = gzip ? 'gzip' : 'identity'
  spawn('sh', ['-c', 'curl -s -o "$1" -H "Accept-Encoding: $4" "$2" && : > "$3"', 'sh', out, `${base}/metrics`, flag, encoding], {
    stdio: 'ignore',
  })
  return {done: () => existsSync(flag), body: () => readFileSync(out)}
}

test('a scrape is answered while the main thread is busy (only the metrics thread serves it)', async () => {
  // A body exists: the main thread built it for this first scrape.
  assert.equal((await get(`${base}/metrics`)).status, 200)
  for (const gzip of [false, true]) {
    const scrape = curlScrape(`held-${gzip}`, gzip)
    // The main thread's event loop is held (no timer, socket or message runs) until curl has
    // its answer, for 90 s at most; with the HTTP side on the main thread it never comes. Held
    // asleep, not spinning: a spinning main thread took one of two cores from the metrics thread
    // and curl, and at load they did not answer within 30 s.
    const deadline = Date.now() + 90_000
    while (!scrape.done() && Date.now() < deadline) Atomics.wait(held, 0, 0, 20)
    assert.ok(scrape.done(), 'the scrape was answered while the main thread was held')
    const raw = scrape.body()
    const text = (gzip ? gunzipSync(raw) : raw).toString()
    assert.match(text, /^container_memory_usage_bytes\{/m)
    assert.match(text, /^cadv_containers 1$/m)
  }
})

test('scrapes served by the metrics thread are counted in the self-metrics, and new samples reach the body', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await get(`${base}/metrics`)).status, 200)
  const next = sample(state.name, 1_700_000_301_000, 9e9)
  next.memory!.usageBytes = 5151
  state.samples = [...state.samples, next]
  view.emit('sample', state, next)
  const text = await until('a body with the new sample and the scrapes counted', async () => {
    const r = await get(`${base}/metrics`)
    const n = Number(/^cadv_metric_handler_requests_total\{code="200"\} (\d+)$/m.exec(r.body)?.[1] ?? 0)
    return /^container_memory_usage_bytes\{.*\} 5151$/m.test(r.body) && n >= 3 && r.body
  })
  assert.match(text, /^cadv_http_connections \d+$/m)
})

test('every other request reaches the main thread routes, with their answers unchanged', async () => {
  const health = await get(`${base}/healthz`)
  assert.equal(health.status, 200)
  assert.equal(health.body, 'ok\n')
  assert.equal((await get(`${base}/nothing-here`)).status, 404)
  assert.equal((await get(`http://127.0.0.1:${handle.addresses[0]!.port}/healthz`)).status, 404, 'outside the prefix')
  const machine = await get(`${base}/api/v1/machine`)
  assert.equal(machine.status, 200)
  assert.equal(JSON.parse(machine.body).cadvVersion, '1')
  const post = await new Promise<{status: number; allow: string | undefined}>((resolve, reject) => {
    const req = request(`${base}/healthz`, {method: 'DELETE'}, (res) => {
      res.resume()
      res.on('end', () => resolve({status: res.statusCode ?? 0, allow: res.headers.allow}))
    })
    req.on('error', reject)
    req.end()
  })
  assert.equal(post.status, 405)
  assert.match(post.allow ?? '', /GET, HEAD/)
})

test('the private socket to the main thread takes no request that lacks the secret', async () => {
  const name = readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/).at(-1) ?? '')
    .find((p) => p.startsWith(`@cadv-${process.pid}-`))
  assert.ok(name, 'the private socket is listed')
  const outcome = await new Promise<string>((resolve) => {
    const req = request({socketPath: `\0${name.slice(1)}`, path: '/healthz'}, (res) => resolve(`answered ${res.statusCode}`))
    req.on('error', (err) => resolve(`closed: ${err.message}`))
    req.end()
  })
  assert.match(outcome, /^closed/)
})
