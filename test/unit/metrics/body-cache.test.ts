// Which body a scrape gets: compressed before it replaces the last one, and built ahead of a
// scraper that comes back at a steady interval.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {gunzipSync} from 'node:zlib'

import {BodyCache, makeBody, type Built} from '../../../src/lib/metrics/body-cache.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A build that counts itself, takes `ms` and tells who started it. */
function builder(ms = 20) {
  const calls: Array<{at: number; duringScrape: boolean}> = []
  let generation = 0
  let scraping = false
  const build = async (_format: string, nowMs: number): Promise<Built> => {
    calls.push({at: nowMs, duringScrape: scraping})
    await sleep(ms)
    return {body: makeBody('text/plain', Buffer.from(`body ${calls.length}\n`.repeat(100))), atMs: nowMs, generation}
  }
  return {
    calls,
    build,
    bump: () => generation++,
    generation: () => generation,
    async scrape(cache: BodyCache) {
      scraping = true
      try {
        return await cache.body('prometheus')
      } finally {
        scraping = false
      }
    },
  }
}

test('a new body is compressed before it replaces one whose gzip form was asked for', async () => {
  const b = builder()
  const cache = new BodyCache(b.build, b.generation, {coalesceMs: 0, rebuildWaitMs: 60_000, buildAhead: false})
  const a = await cache.body('prometheus')
  assert.equal(a.gzipAsked, false)
  await a.gzipped()
  b.bump()
  const next = await cache.body('prometheus')
  assert.notEqual(next, a)
  assert.equal(next.gzipAsked, true, 'its gzip was made before it was served')
  assert.equal(gunzipSync(await next.gzipped()).toString(), next.text.toString())
  // Nobody asked for gzip of this one: the next is not compressed for nothing.
  const plainOnly = builder()
  const c = new BodyCache(plainOnly.build, plainOnly.generation, {coalesceMs: 0, rebuildWaitMs: 60_000, buildAhead: false})
  await c.body('prometheus')
  plainOnly.bump()
  assert.equal((await c.body('prometheus')).gzipAsked, false)
  cache.close()
  c.close()
})

test('a scraper that comes back at a steady interval finds its body built ahead', async () => {
  const b = builder()
  // Bodies live 100 ms; the scraper comes every 400 ms.
  const cache = new BodyCache(b.build, b.generation, {coalesceMs: 0, maxAgeMs: 100, maxStaleMs: 100, rebuildWaitMs: 60_000})
  try {
    await b.scrape(cache)
    await sleep(400)
    await b.scrape(cache)
    assert.equal(b.calls.length, 2, 'the second scrape found the first body stale')
    assert.ok(b.calls.every((c) => c.duringScrape))
    await sleep(400)
    const third = await b.scrape(cache)
    assert.equal(b.calls.length, 3)
    assert.equal(b.calls[2]!.duringScrape, false, 'the third body was begun between the scrapes')
    assert.equal(third.text.toString(), 'body 3\n'.repeat(100))
    // Built after the second scrape, for the third: its data is newer than the second scrape's.
    assert.ok(b.calls[2]!.at > b.calls[1]!.at)
  } finally {
    cache.close()
  }
})

test('a scraper whose gaps vary finds its body built ahead, begun after its last scrape', async () => {
  const b = builder()
  // Bodies live 200 ms; the scraper comes back 500 and 900 ms apart in turn (one slowed by
  // its own load, say). Planned from the last gap alone, each body was begun too late for a
  // shorter gap and was too old for a longer one: every scrape waited for a build.
  const cache = new BodyCache(b.build, b.generation, {coalesceMs: 0, maxAgeMs: 200, maxStaleMs: 100, rebuildWaitMs: 60_000})
  try {
    const text = (body: {text: Buffer}): string => body.text.toString().split('\n')[0]!
    let last = text(await b.scrape(cache))
    let lastAt = Date.now()
    let waited = 0
    const gaps = [500, 900, 500, 900, 500, 900, 500, 900]
    for (const [k, gap] of gaps.entries()) {
      await sleep(gap)
      const before = b.calls.length
      const at = Date.now()
      const body = text(await b.scrape(cache))
      const n = Number(body.split(' ')[1])
      assert.notEqual(body, last, 'never the body the scrape before got')
      assert.ok(b.calls[n - 1]!.at > lastAt, 'the body was begun after the scrape before')
      // The first two gaps are learnt.
      if (k >= 2 && b.calls.length > before && b.calls.at(-1)!.duringScrape) waited++
      last = body
      lastAt = at
    }
    assert.ok(waited <= 1, `${waited} of 6 scrapes waited for a build`)
    // Sooner than any gap before (and sooner than a body lives: not a gap to plan for): the body
    // built ahead for the scrape before is not served again, however young.
    await sleep(100)
    assert.notEqual(text(await b.scrape(cache)), last)
  } finally {
    cache.close()
  }
})

test('no build ahead for scrapes closer together than a body lives, or after close', async () => {
  const b = builder()
  const cache = new BodyCache(b.build, b.generation, {coalesceMs: 0, maxAgeMs: 1000, rebuildWaitMs: 60_000})
  await b.scrape(cache)
  await sleep(200)
  await b.scrape(cache)
  await sleep(600)
  assert.equal(b.calls.length, 1, 'the first body is still fresh and nothing was built ahead')
  const closed = builder()
  const c = new BodyCache(closed.build, closed.generation, {coalesceMs: 0, maxAgeMs: 100, maxStaleMs: 100, rebuildWaitMs: 60_000})
  await closed.scrape(c)
  await sleep(300)
  await closed.scrape(c)
  c.close()
  await sleep(400)
  assert.equal(closed.calls.length, 2, 'closed: the planned build is not made')
  cache.close()
})

test('each body is handed to `replaced` once, when a newer one has taken its place', async () => {
  const b = builder()
  const replaced: string[] = []
  const cache = new BodyCache(b.build, b.generation, {
    coalesceMs: 0,
    maxAgeMs: 0,
    rebuildWaitMs: 60_000,
    buildAhead: false,
    replaced: (body) => replaced.push(body.text.toString().split('\n')[0]!),
  })
  const first = await b.scrape(cache)
  assert.deepEqual(replaced, [])
  const second = await b.scrape(cache)
  assert.notEqual(second, first)
  assert.deepEqual(replaced, ['body 1'])
  await b.scrape(cache)
  assert.deepEqual(replaced, ['body 1', 'body 2'])
  cache.close()
})

test('under a flood of scrapes a body lives its maxAgeMs though the view moved on; a few scrapes do not make a flood', async () => {
  // coalesceMs 100, bodies live 5 s: only the scrape count decides within that.
  const options = {coalesceMs: 100, maxAgeMs: 5000, maxStaleMs: 5000, rebuildWaitMs: 60_000, buildAhead: false, floodScrapes: 50}
  const flooded = builder()
  const f = new BodyCache(flooded.build, flooded.generation, options)
  const few = builder()
  const c = new BodyCache(few.build, few.generation, options)
  try {
    const first = await f.body('prometheus')
    for (let i = 0; i < 60; i++) await f.body('prometheus')
    await c.body('prometheus')
    await c.body('prometheus')
    flooded.bump()
    few.bump()
    await sleep(300)
    assert.equal(await f.body('prometheus'), first, 'a flood: the same body, no rebuild')
    assert.equal(flooded.calls.length, 1)
    await c.body('prometheus')
    assert.equal(few.calls.length, 2, 'two scrapes: rebuilt once the view moved on and coalesceMs passed')
  } finally {
    f.close()
    c.close()
  }
})

test('a body whose build took longer than maxStaleMs stands in for the next rebuild: its staleness counts from when it was ready', async () => {
  // Builds take 1.5 s (a busy machine), bodies live 100 ms, a stand-in may be served until 1 s after it was ready.
  const b = builder(1500)
  const cache = new BodyCache(b.build, b.generation, {coalesceMs: 0, maxAgeMs: 100, maxStaleMs: 1000, rebuildWaitMs: 0, buildAhead: false})
  try {
    const first = await b.scrape(cache)
    assert.equal(b.calls.length, 1)
    // At once: its data is 1.5 s old (stale), but it was ready just now. The scrape starts the
    // rebuild and, after rebuildWaitMs (0), gets this body; so does the one after it.
    assert.equal(await b.scrape(cache), first, 'the scrape that started the rebuild waited for all of it')
    assert.equal(b.calls.length, 2)
    assert.equal(await b.scrape(cache), first, 'a scrape during the rebuild waited for it')
  } finally {
    cache.close()
  }
  // Longer than maxStaleMs after it was ready, with no rebuild running, a body no longer stands in.
  const fast = builder(20)
  const c = new BodyCache(fast.build, fast.generation, {coalesceMs: 0, maxAgeMs: 100, maxStaleMs: 300, rebuildWaitMs: 0, buildAhead: false})
  try {
    const one = await fast.scrape(c)
    await sleep(500)
    const two = await fast.scrape(c)
    assert.notEqual(two, one)
    assert.equal(fast.calls.length, 2)
  } finally {
    c.close()
  }
})

const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

/** Text that takes gzip a while (not one repeated line): a few MB of numbers from a small generator. */
function slowText(bytes: number): Buffer {
  const b = Buffer.allocUnsafe(bytes)
  let s = 12345
  for (let i = 0; i < bytes; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    b[i] = 48 + ((s >>> 16) % 10)
  }
  return b
}

test('a retired body goes back once: after the last scrape writing it and its compression are done', async () => {
  const back: Buffer[] = []
  const text = slowText(4 << 20)
  let compressed = false
  const body = makeBody('text/plain', text, (t) => {
    assert.equal(compressed, true, 'given back while its gzip form was being made from it')
    back.push(t)
  })
  // A scrape writes it, and its gzip form is being made.
  const write = body.hold()
  const gz = body.gzipped()
  void gz.then(() => (compressed = true))
  body.retire()
  body.retire()
  await turn()
  assert.equal(back.length, 0, 'given back while a scrape writes it')
  write()
  write()
  await gz
  await turn()
  assert.deepEqual(back, [text])
  // Got in the turn it is retired (a scrape that was given it just before), held there: kept.
  const late = makeBody('text/plain', Buffer.from('late\n'), (t) => back.push(t))
  late.retire()
  const lateWrite = late.hold()
  await turn()
  await turn()
  assert.equal(back.length, 1, 'given back while held in the turn it was retired')
  lateWrite()
  await turn()
  assert.equal(back.length, 2)
  // A body made without somewhere to go back to is left to the garbage collector.
  const plain = makeBody('text/plain', Buffer.from('x'))
  plain.retire()
  plain.hold()()
})

test('the cache retires each body a newer one replaces, and only that one', async () => {
  const back: string[] = []
  let n = 0
  // The view moves on before every scrape: each gets a new body.
  let generation = 0
  const build = async (_format: string, nowMs: number): Promise<Built> => {
    const name = `body ${++n}`
    return {body: makeBody('text/plain', Buffer.from(name), () => back.push(name)), atMs: nowMs, generation}
  }
  const cache = new BodyCache(build, () => generation, {coalesceMs: 0, maxStaleMs: 0, buildAhead: false})
  const first = await cache.body('prometheus')
  const writing = first.hold()
  generation++
  const second = await cache.body('prometheus')
  assert.notEqual(second, first)
  generation++
  assert.notEqual(await cache.body('prometheus'), second)
  await turn()
  assert.deepEqual(back, ['body 2'], 'the body a scrape still writes was given back, or the current one')
  writing()
  await turn()
  assert.deepEqual(back.sort(), ['body 1', 'body 2'])
  cache.close()
})
