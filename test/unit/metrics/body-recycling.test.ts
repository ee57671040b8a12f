// A body is its own columns: the next body copies its unchanged lines out of the last one, and
// the two buffers take turns, whichever thread serves the scrapes. On the main thread
// (CADV_SERVE_THREAD=0) a replaced body's buffer is written again once no scrape reads it; with
// the metrics thread, bodies are shared with it and each goes back when it lets it go.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {setTimeout as sleep} from 'node:timers/promises'

import type {ContainerState, ExpositionFormat} from '../../../src/lib/model/index.js'
import {fullCollection} from '../../../src/lib/metrics/body-garbage.js'
import {Exposition, MetricsSource, readMachineInfo, startServe, type ExpositionOptions} from '../../../src/lib/metrics/index.js'
import {get} from '../../helpers/http-client.js'
import {ALL_COLLECTED, sample} from '../../helpers/states.js'
import {ListView, runningListView} from '../../helpers/view.js'

const machine = readMachineInfo()
const NOW = 1_700_000_100_000
const options: ExpositionOptions = {kinds: ALL_COLLECTED, machine, version: '1', deletedLastSeenMs: 0}
// Ahead builds are off in these tests: a slow round at load would plan one, a third body in flight.
const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

function statesOf(n: number): ContainerState[] {
  return Array.from({length: n}, (_, i) => {
    const name = `/c/${String(i).padStart(5, '0')}`
    return {name, firstSeenMs: 1_700_000_000_000, samples: [sample(name, NOW, 1e9 + i)]}
  })
}

/** Container `i` gets a new sample whose text differs (its memory usage is `bytes`). */
function renew(view: ListView, i: number, bytes: number): void {
  const s = view.list[i]!
  const next = sample(s.name, NOW + bytes, 1e9 + bytes)
  next.memory!.usageBytes = bytes
  view.list[i] = {...s, samples: [next]}
  view.emit('sample', view.list[i]!, next)
}

/** A body's lines without container_last_seen (its value is the time of the build) and comments. */
const series = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('container_last_seen') && !l.startsWith('#'))
    .join('\n')

const expected = (list: ContainerState[], format: ExpositionFormat): string => series(new Exposition(options).render(list, format, NOW))

test('scrapes on the main thread: a replaced body is written again once nothing reads it, two buffers in turn', async () => {
  const view = new ListView(statesOf(50))
  const source = new MetricsSource({view, exposition: new Exposition(options), coalesceMs: 0, rebuildWaitMs: 60_000, buildAhead: false})
  try {
    const buffers = new Set<ArrayBufferLike>()
    for (let r = 0; r < 8; r++) {
      renew(view, (r * 7) % 50, 1000 + r)
      const body = await source.body('prometheus')
      assert.equal(series(body.text.toString()), expected(view.list, 'prometheus'))
      buffers.add(body.text.buffer)
      // The body it replaced is given back a turn after (body-cache.ts).
      await turn()
      await turn()
    }
    assert.equal(buffers.size, 2, `bodies were written into ${buffers.size} buffers, not 2 in turn`)
  } finally {
    source.close()
  }
})

test('a body and the next one`s columns are one buffer: two bodies of memory in all, not two bodies and two sets of columns', async () => {
  const gc = fullCollection()
  assert.ok(gc, 'V8 refused a full collection')
  const view = new ListView(statesOf(3000))
  const exposition = new Exposition(options)
  const source = new MetricsSource({view, exposition, coalesceMs: 0, rebuildWaitMs: 60_000, buildAhead: false})
  try {
    gc()
    const before = process.memoryUsage().arrayBuffers
    let size = 0
    for (let r = 0; r < 6; r++) {
      for (let i = r; i < 3000; i += 97) renew(view, i, 5000 + r)
      size = (await source.body('openmetrics')).text.length
      await turn()
      await turn()
    }
    // V8 frees an ArrayBuffer's memory after a full collection on a helper thread, which a busy
    // machine can delay past the next line (a loaded run read 3.99 bodies, then 2.79 50 ms later): the
    // lowest of a few readings a moment apart is what stays held.
    let held = Number.POSITIVE_INFINITY
    for (let k = 0; k < 4; k++) {
      gc()
      held = Math.min(held, process.memoryUsage().arrayBuffers - before)
      await sleep(50)
    }
    assert.equal(exposition.columnBuffersAllocated, 2, 'bodies were written into more than two buffers')
    // Two buffers with a quarter of headroom each (spare-buffers.ts): 2.5 bodies. Columns kept
    // beside the bodies would make it 3.75 or more.
    assert.ok(held < 3 * size, `${(held / size).toFixed(2)} bodies of memory held for ${size} B bodies`)
  } finally {
    source.close()
  }
})

test('with the metrics thread, every body it serves is whole while the main thread builds the next ones from it', async () => {
  const view = runningListView(statesOf(400))
  const handle = await startServe({
    manager: view,
    exposition: options,
    exporterMetrics: false,
    listen: ['127.0.0.1:0'],
    telemetryPath: '/metrics',
    maxRequests: 0,
    requestTimeoutMs: 20_000,
    version: '1',
    collection: {housekeepingIntervalMs: 1000, maxHousekeepingIntervalMs: 60_000, dynamicHousekeeping: true, storageDurationMs: 120_000},
    log: () => undefined,
  })
  try {
    const url = `http://127.0.0.1:${handle.addresses[0]!.port}/metrics`
    let last = ''
    for (let r = 0; r < 12; r++) {
      // Each round changes other containers: the body is made of runs from the last one and fresh lines.
      for (let i = r % 5; i < 400; i += 5 + r) renew(view, i, 70_000 + r * 1000 + i)
      const want = expected(view.list, 'prometheus')
      // A body begun after this change comes within the body cache's max age (1 s).
      let got = ''
      for (let tries = 0; tries < 200 && got !== want; tries++) {
        const res = await get(url)
        assert.equal(res.status, 200)
        got = series(res.body)
        // Until then, the body served is a whole earlier one (never one being written).
        if (got !== want) assert.ok(got === last || r === 0, `round ${r}: a body that is neither the last nor the new one`)
        if (got !== want) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.equal(got, want, `round ${r}: the new samples never reached the body`)
      last = got
    }
  } finally {
    await handle.stop(1000)
  }
})
