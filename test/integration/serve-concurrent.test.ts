// Concurrent scrapes while housekeeping reads every container each 100 ms and bodies are
// rebuilt in slices of the event loop: every answer is a complete, consistent body — its
// declared length, gzip that inflates, text that parses, every test cgroup once in each family,
// one value of container_last_seen. Needs root and a writable cgroupfs (CI has both).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {request} from 'node:http'
import {gunzipSync} from 'node:zlib'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {parseExposition, samples} from '../helpers/exposition.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()
const CGROUPS = 150
let tc: TestCgroups
let serve: ServeProcess

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-concurrent')
  tc.mkdir()
  for (let i = 0; i < CGROUPS; i++) tc.mkdir(`c${i}`)
  serve = await new ServeProcess([
    '--housekeeping-interval',
    '100ms',
    '--no-allow-dynamic-housekeeping',
    '--max-requests',
    '0',
    '--raw-cgroup-prefix-whitelist',
    tc.root,
  ]).ready()
})

after(async () => {
  if (skip) return
  await serve?.stop()
  await tc.cleanup()
})

interface Answer {
  status: number
  length: number
  encoding: string | undefined
  raw: Buffer
}

/**
 * A GET with node:http (no decoding on the way), so the bytes on the wire are checked. Each on a
 * connection of its own: a kept-alive one that sat idle while a loaded machine parsed the last
 * round for more than the server's keep-alive timeout (5 s) may be closed by the server just as
 * it is reused (a "socket hang up" that says nothing about the bodies).
 */
function scrape(headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(`${serve.url}/metrics`, {headers, agent: false}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          length: Number(res.headers['content-length']),
          encoding: res.headers['content-encoding'],
          raw: Buffer.concat(chunks),
        }),
      )
      res.on('error', reject)
    })
      .on('error', reject)
      .end()
  })
}

const KINDS: Array<{headers: Record<string, string>; format: 'prometheus' | 'openmetrics'}> = [
  {headers: {}, format: 'prometheus'},
  {headers: {'Accept-Encoding': 'gzip'}, format: 'prometheus'},
  {headers: {Accept: 'application/openmetrics-text;version=1.0.0', 'Accept-Encoding': 'gzip'}, format: 'openmetrics'},
]

test(
  '40 concurrent scrapes of every kind, over and over during housekeeping, each get a complete and consistent body',
  {skip},
  async () => {
    const ours = (text: string): number =>
      samples(parseExposition(text, 'prometheus'), 'container_memory_usage_bytes').filter((s) => s.labels.id?.startsWith(`${tc.root}/`))
        .length
    await until(
      `all ${CGROUPS} test cgroups sampled`,
      async () => {
        const a = await scrape({})
        return ours(a.raw.toString()) === CGROUPS
      },
      60_000,
    )
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(
        Array.from({length: 40}, (_, i) => KINDS[i % KINDS.length]!).map(async (k) => ({k, a: await scrape(k.headers)})),
      )
      for (const {k, a} of answers) {
        const what = `round ${round}, ${k.format}${a.encoding ? ` ${a.encoding}` : ''}`
        assert.equal(a.status, 200, what)
        assert.equal(a.raw.length, a.length, `${what}: the body has its declared length`)
        assert.equal(a.encoding, k.headers['Accept-Encoding'], what)
        const text = (a.encoding === 'gzip' ? gunzipSync(a.raw) : a.raw).toString('utf8')
        if (k.format === 'openmetrics') assert.ok(text.endsWith('# EOF\n'), `${what}: ends with # EOF`)
        const fams = parseExposition(text, k.format)
        for (const family of ['container_last_seen', 'container_memory_usage_bytes']) {
          const ids = samples(fams, family)
            .map((s) => s.labels.id ?? '')
            .filter((id) => id.startsWith(`${tc.root}/`))
          assert.equal(ids.length, CGROUPS, `${what}: ${CGROUPS} series of ours in ${family}`)
          assert.equal(new Set(ids).size, CGROUPS, `${what}: every test cgroup once in ${family}`)
        }
        const seen = new Set(
          samples(fams, 'container_last_seen')
            .filter((s) => s.labels.id?.startsWith(`${tc.root}/`))
            .map((s) => s.value),
        )
        assert.equal(seen.size, 1, `${what}: one body, one time for container_last_seen`)
      }
    }
  },
)
