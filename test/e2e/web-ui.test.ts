/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The web UI in Debian's chromium against `cadv serve` on real test cgroups: the list shows a
// cgroup within 2 s of its mkdir, a busy cgroup's page draws its charts, its latest CPU figure
// is the API's and its process table holds the busy loop, events of subcontainers show, a
// cgroup named like markup stays text and runs nothing, keyboard and phone width work, pages
// load over TLS with basic auth (and not without) and under a proxy's path prefix, and no page
// logs an error. Screenshots at 1280×800 go to test-artifacts/web-ui (UPDATE_SCREENSHOTS=1:
// docs/screenshots, linked from the README). Needs root and chromium (openssl for TLS).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, request, type Server} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import bcrypt from 'bcryptjs'

import type {Browser, Page} from 'playwright-core'

import {chromiumSkipReason, heapAfterGc, launchChromium, openPage, type PageTrouble} from '../helpers/browser.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {ServeProcess} from '../helpers/serve.js'
import {makeTestPki, opensslSkipReason} from '../helpers/tls.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason() ?? chromiumSkipReason()
/** Markup in a cgroup name (a name may hold anything but `/` and NUL). */
const WEIRD = 'x<img src=x onerror="document.body.dataset.pwned=1">'
const SHOTS = fileURLToPath(
  new URL(process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots/' : '../../test-artifacts/web-ui/', import.meta.url),
)

let tc: TestCgroups
let serve: ServeProcess
/** What every test cgroup's serve is started with. */
let serveArgs: string[]
let busyPid = 0
let browser: Browser
const troubles: {page: string; trouble: PageTrouble}[] = []

function encodeName(name: string): string {
  return name
    .split('/')
    .map((p) => encodeURIComponent(p))
    .join('/')
}

/** A GET over TLS that trusts the test's CA, with no credentials. */
function httpsGet(port: number, path: string, ca: Buffer): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({host: '127.0.0.1', port, path, ca, agent: false}, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

async function open(path: string, viewport = {width: 1280, height: 800}): Promise<{page: Page; trouble: PageTrouble}> {
  const opened = await openPage(browser, {viewport})
  troubles.push({page: path, trouble: opened.trouble})
  const res = await opened.page.goto(`${serve.url}${path}`)
  assert.equal(res?.status(), 200, path)
  return opened
}

/** The href of each container link in the page's list or subcontainers table (their first column). */
function listed(page: Page): Promise<string[]> {
  return page.$$eval('table.rows tbody th a', (as) => as.map((a) => a.getAttribute('href') ?? ''))
}

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-web')
  tc.mkdir()
  tc.mkdir('busy')
  tc.mkdir(WEIRD)
  for (const app of ['shop/web', 'shop/db', 'shop/worker']) tc.mkdir(app)
  busyPid = tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done']).pid!
  tc.spawnIn('shop/web', 'sleep', ['3600'])
  // The default kinds and `process` (off by default, as in cAdvisor), for the processes chart.
  serveArgs = ['--raw-cgroup-prefix-whitelist', tc.root, '--enable-metrics', 'cpu,percpu,memory,diskIO,network,process,pressure,oom_event']
  serve = await new ServeProcess(serveArgs).ready()
  browser = await launchChromium()
  mkdirSync(SHOTS, {recursive: true})
})

after(async () => {
  await browser?.close()
  await serve?.stop()
  await tc?.cleanup()
})

test('the list shows a cgroup within 2 s of its creation', {skip}, async (t) => {
  const {page} = await open('/')
  assert.match(page.url(), /\/containers\/$/, '/ leads to containers/')
  await until('the list', async () => (await listed(page)).some((h) => h.endsWith(`/containers${encodeName(tc.name('busy'))}`)))
  const name = tc.name('fresh')
  const started = performance.now()
  tc.mkdir('fresh')
  await until('the new cgroup in the list', async () => (await listed(page)).some((h) => h.endsWith(`/containers${encodeName(name)}`)), {
    timeoutMs: 2000,
    everyMs: 20,
  })
  t.diagnostic(`shown ${Math.round(performance.now() - started)} ms after mkdir`)
  tc.rmdir('fresh')
  await until('it leaves the list', async () => !(await listed(page)).some((h) => h.endsWith(`/containers${encodeName(name)}`)))
  await page.context().close()
})

test('a busy cgroup’s page draws its charts, and its latest CPU figure is the API’s (within 10 %)', {skip}, async () => {
  const name = tc.name('busy')
  const {page} = await open(`/containers${encodeName(name)}`)
  for (const chart of ['cpu-total', 'cpu-per-core', 'cpu-user-system', 'memory', 'block-io', 'processes']) {
    await until(`the ${chart} chart`, () => page.$(`[data-chart="${chart}"] canvas`))
  }
  // The readout names the sample its figure is from; the line needs a few rates to be a line.
  const shown = await until('a CPU figure and its line', () =>
    page.evaluate(() => {
      const chart = document.querySelector('[data-chart="cpu-total"]')
      const value = chart?.querySelector('.readout [data-series="0"]')?.textContent ?? ''
      const at = chart?.querySelector('.readout time')?.getAttribute('datetime') ?? ''
      const canvas = chart?.querySelector('canvas')
      if (!canvas || !value.endsWith('%') || at === '' || !(Number.parseFloat(value) > 1)) return undefined
      // Pixels of the CPU line's blue (#1f77b4) on the canvas.
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
      let blue = 0
      for (let p = 0; p < data.length; p += 4) if (data[p]! < 80 && data[p + 1]! > 90 && data[p + 1]! < 150 && data[p + 2]! > 150) blue++
      return blue > 50 ? {value, at, blue} : undefined
    }),
  )
  const api = (await (await fetch(`${serve.url}/api/v1/containers${encodeName(name)}?count=-1`)).json()) as {
    samples: {timestampMs: number; cpu?: {usageNs: number}}[]
  }
  const i = api.samples.findIndex((s) => s.timestampMs === Date.parse(shown.at))
  assert.ok(i > 0, `the sample at ${shown.at} is in the API with one before it`)
  const [a, b] = [api.samples[i - 1]!, api.samples[i]!]
  const expected = ((b.cpu!.usageNs - a.cpu!.usageNs) / 1e9 / ((b.timestampMs - a.timestampMs) / 1000)) * 100
  const got = Number.parseFloat(shown.value)
  assert.ok(Math.abs(got - expected) <= 0.1 * expected, `page ${got}% vs API ${expected.toFixed(2)}%`)

  // Its process table (cAdvisor's /api/v2.0/ps): the shell loop, busy.
  const row = await until('the busy loop in the process table', () =>
    page.evaluate((pid) => {
      const tr = [...document.querySelectorAll('#processes tbody tr')].find((r) => r.children[1]?.textContent === String(pid))
      return tr ? [...tr.children].map((c) => c.textContent ?? '') : undefined
    }, busyPid),
  )
  assert.equal(row[0], 'sh')
  assert.equal(row[3], 'root')
  await page.context().close()
})

test('a cgroup named like markup is shown as text and runs nothing, in the list and on its page', {skip}, async () => {
  const name = tc.name(WEIRD)
  const {page, trouble} = await open(`/containers/?filter=${encodeURIComponent('onerror')}`)
  await until('the odd name in the list', async () =>
    (await page.$$eval('table.rows tbody th', (ths) => ths.map((t) => t.getAttribute('title')))).includes(name),
  )
  const {page: own} = await open(`/containers${encodeName(name)}`)
  await until('its page', async () => (await own.textContent('h1')) === name)
  await until('its charts', () => own.$('[data-chart="memory"] canvas'))
  for (const p of [page, own]) {
    assert.equal(await p.$$eval('main img', (imgs) => imgs.length), 0, 'no <img> element was made')
    assert.equal(await p.evaluate(() => document.body.dataset.pwned), undefined, 'the onerror code never ran')
  }
  assert.deepEqual(trouble.dialogs, [])
  const fetched = troubles.flatMap((t) => t.trouble.requests).filter((u) => /\/x$/.test(u))
  assert.deepEqual(fetched, [], 'nothing loaded the image')
  await page.context().close()
  await own.context().close()
})

test('a container’s page lists its subcontainers’ recent events: creations and deletions', {skip}, async () => {
  tc.mkdir('passing')
  await until('cadv to see it', async () => (await fetch(`${serve.url}/api/v1/containers${encodeName(tc.name('passing'))}`)).status === 200)
  tc.rmdir('passing')
  const {page} = await open(`/containers${encodeName(tc.root)}`)
  const events = await until('both events in the table', async () => {
    const rows = await page.$$eval('#events:not([hidden]) tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)))
    const mine = rows.filter((r) => r[2] === tc.name('passing'))
    return mine.length === 2 ? mine : undefined
  })
  assert.deepEqual(events.map((r) => r[1]).sort(), ['created', 'deleted'])
  await page.context().close()
})

test('containers come and go: a page waits for one not there yet, says when it goes, and goes on when it comes back', {skip}, async () => {
  const name = tc.name('phoenix')
  const opened = await openPage(browser)
  troubles.push({page: 'phoenix', trouble: opened.trouble})
  const page = opened.page
  await page.goto(`${serve.url}/containers${encodeName(name)}`)
  const state = () => page.evaluate(() => document.querySelector('.state')?.textContent ?? '')
  await until('the page to wait', async () => (await state()).startsWith('No container'))
  tc.mkdir('phoenix')
  await until('it to go live', async () => (await state()).startsWith('Live'))
  await until('its memory chart', () => page.$('[data-chart="memory"] canvas'))
  tc.rmdir('phoenix')
  await until('it to be gone', async () => (await state()).startsWith('Gone at'))
  // A chart rebuilt by the last update (a series seen for the first time) draws on the next frame.
  await until('the charts to stay', () => page.$('[data-chart="memory"] canvas'), 5_000)
  const back = Date.now()
  tc.mkdir('phoenix')
  await until('it to come back', async () => (await state()).startsWith('Live'))
  // A new history: the latest point is from after it came back.
  let seen = ''
  // A busy host sheds housekeeping reads behind the page's own requests: allow a minute.
  await until(
    'a sample of the new one',
    async () => {
      seen = await page.evaluate(() => document.querySelector('[data-chart="memory"] time')?.getAttribute('datetime') ?? '')
      return Date.parse(seen) >= back - 1000
    },
    {timeoutMs: 60_000, detail: () => `latest point ${seen || 'none'}, back at ${new Date(back).toISOString()}`},
  )
  await page.context().close()
})

test('keyboard: / finds the filter, Escape clears it, a header sorts with Enter, arrows move along the rows', {skip}, async () => {
  const {page} = await open('/containers/')
  await until('the list', async () => (await listed(page)).length >= 5)
  await page.keyboard.press('/')
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'filter')
  await page.keyboard.type('worker')
  await until('one row', async () => (await listed(page)).length === 1)
  assert.match(page.url(), /\?filter=worker$/, 'the filter is in the address')
  await page.keyboard.press('Escape')
  await until('all rows again', async () => (await listed(page)).length >= 5)
  // Sorted by name (the tree) the order holds still: the arrows go down and up along it.
  const byName = await listed(page)
  await page.focus('table.rows tbody tr:first-child a')
  await page.keyboard.press('ArrowDown')
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), byName[1])
  await page.keyboard.press('ArrowUp')
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), byName[0])
  await page.focus('th:nth-child(5) button')
  await page.keyboard.press('Enter')
  assert.equal(await page.getAttribute('th:nth-child(5)', 'aria-sort'), 'descending')
  assert.match(page.url(), /\?sort=cpu&desc=1$/)
  // Busiest first: the CPU column reads in descending order (a redraw is atomic).
  await until('CPU in descending order', async () => {
    const cpu = await page.$$eval('table.rows tbody tr', (trs) => trs.map((tr) => Number.parseFloat(tr.children[4]?.textContent ?? '')))
    return cpu.length >= 5 && cpu[0]! > 1 && cpu.every((v, i) => i === 0 || !(v > cpu[i - 1]!))
  })
  await page.context().close()
})

test('phone width: nothing wider than the screen but the tables, which scroll', {skip}, async () => {
  const {page} = await open(`/containers${encodeName(tc.name('shop'))}`, {width: 390, height: 844})
  await until('charts and subcontainers', async () => (await page.$('[data-chart="memory"] canvas')) && (await listed(page)).length === 3)
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    screen: window.innerWidth,
    chart: Math.max(...[...document.querySelectorAll('.chart')].map((c) => c.getBoundingClientRect().right)),
  }))
  assert.ok(widths.page <= widths.screen, `page ${widths.page}px on a ${widths.screen}px screen`)
  assert.ok(widths.chart <= widths.screen, `charts reach ${widths.chart}px`)
  await page.context().close()
})

test('the list and a container at 1280×800 (screenshots), and the container page’s heap stays flat over 15 updates', {skip}, async () => {
  const {page} = await open('/containers/')
  await until('the list with rates', async () => {
    const cpu = await page.$$eval('table.rows tbody tr', (trs) => trs.map((tr) => tr.children[4]?.textContent ?? ''))
    return cpu.length >= 5 && cpu.every((c) => c.endsWith('%'))
  })
  await page.screenshot({path: `${SHOTS}list.png`})
  await page.context().close()

  const {page: p} = await open(`/containers${encodeName(tc.name('busy'))}`)
  const at = () => p.evaluate(() => document.querySelector('[data-chart="cpu-total"] time')?.getAttribute('datetime') ?? '')
  const updates = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const before = await at()
      await until('an update', async () => !['', before].includes(await at()), {timeoutMs: 30_000})
    }
  }
  await updates(3)
  const start = await heapAfterGc(p)
  await updates(15)
  const end = await heapAfterGc(p)
  // 15 new samples are kept (the window is 2 minutes): a few kB each. A chart or table rebuilt
  // per update would cost far more.
  assert.ok(end - start < 1024 * 1024, `heap ${start} → ${end} bytes`)
  await p.screenshot({path: `${SHOTS}container.png`})
  await p.context().close()
})

test(
  'behind TLS and basic auth the pages load with the credentials and are refused without',
  {skip: skip ?? opensslSkipReason()},
  async () => {
    const pki = makeTestPki()
    const dir = mkdtempSync(join(tmpdir(), 'cadv-webui-tls-'))
    const config = join(dir, 'web.yml')
    writeFileSync(
      config,
      [
        'tls_server_config:',
        `  cert_file: ${pki.serverCert}`,
        `  key_file: ${pki.serverKey}`,
        'basic_auth_users:',
        `  admin: ${JSON.stringify(bcrypt.hashSync('s3cret', 10))}`,
        '',
      ].join('\n'),
    )
    const secure = await new ServeProcess([...serveArgs, '--web-config-file', config]).ready()
    try {
      assert.match(secure.url, /^https:/)
      // The test's CA is not the browser's: certificate errors are ignored, TLS is still spoken.
      const tls = {viewport: {width: 1280, height: 800}, ignoreHTTPSErrors: true}
      const {page, trouble} = await openPage(browser, {...tls, httpCredentials: {username: 'admin', password: 's3cret'}})
      troubles.push({page: 'https list', trouble})
      const res = await page.goto(`${secure.url}/`)
      assert.equal(res?.status(), 200)
      assert.match(page.url(), /^https:.*\/containers\/$/)
      await until('the list over TLS', async () =>
        (await listed(page)).some((h) => h.endsWith(`/containers${encodeName(tc.name('busy'))}`)),
      )
      await page.goto(`${secure.url}/containers${encodeName(tc.name('busy'))}`)
      await until('a chart over TLS', () => page.$('[data-chart="cpu-total"] canvas'))

      await page.context().close()

      // Without credentials (or with a wrong password) nothing loads: chromium, asked again
      // after its answer, gives up on the page; a plain client sees the bare 401.
      for (const credentials of [undefined, {username: 'admin', password: 'wrong'}]) {
        const {page: out} = await openPage(browser, {...tls, ...(credentials ? {httpCredentials: credentials} : {})})
        const refused = await out.goto(`${secure.url}/containers/`).then(
          (r) => r?.status(),
          (err: Error) => err.message,
        )
        assert.ok(refused === 401 || /ERR_INVALID_AUTH_CREDENTIALS/.test(String(refused)), String(refused))
        // After a 401 chromium may still replace the page with its own error page: ask again
        // once the navigation under way has replaced the document.
        const table = await until('the refused page to settle', async () => {
          try {
            return {found: (await out.$('table')) !== null}
          } catch (err) {
            if (/Execution context was destroyed/.test((err as Error).message)) return undefined
            throw err
          }
        })
        assert.equal(table.found, false)
        await out.context().close()
      }
      for (const path of ['/containers/', '/static/app.js', '/api/v1/stats', '/api/v1/machine']) {
        const res = await httpsGet(secure.port, path, pki.read(pki.caCert))
        assert.deepEqual(res, {status: 401, body: 'Unauthorized\n'}, path)
      }
    } finally {
      await secure.stop()
      pki.cleanup()
      rmSync(dir, {recursive: true, force: true})
    }
  },
)

test('under a path prefix (a reverse proxy serving cadv at /cadvisor/) every address stays under it', {skip}, async () => {
  // The proxy strips /cadvisor and passes the rest on, as a reverse proxy configured so does.
  const target = new URL(serve.url)
  const proxy: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/cadvisor/')) {
      res.writeHead(404).end('not under /cadvisor/\n')
      return
    }
    const upstream = request(
      {host: target.hostname, port: target.port, path: req.url.slice('/cadvisor'.length), method: req.method, headers: req.headers},
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(proxy.address() as {port: number}).port}/cadvisor`
  try {
    const {page, trouble} = await openPage(browser)
    troubles.push({page: 'behind a prefix', trouble})
    await page.goto(`${base}/`)
    assert.equal(page.url(), `${base}/containers/`)
    await until('the list through the proxy', async () => (await listed(page)).length >= 5)
    await page.click(`a[href$="/containers${encodeName(tc.name('busy'))}"]`)
    await until('a chart through the proxy', () => page.$('[data-chart="cpu-total"] canvas'))
    assert.equal(page.url(), `${base}/containers${encodeName(tc.name('busy'))}`)
    const outside = trouble.requests.filter((u) => !u.startsWith(`${base}/`))
    assert.deepEqual(outside, [], 'no request left the prefix')
    await page.context().close()
  } finally {
    await new Promise((r) => proxy.close(r))
  }
})

test('with --url-base-prefix /cadvisor the pages live under it, from the bare prefix on', {skip}, async () => {
  const prefixed = await new ServeProcess([...serveArgs, '--url-base-prefix', '/cadvisor']).ready()
  try {
    const base = `${prefixed.url}/cadvisor`
    const {page, trouble} = await openPage(browser)
    troubles.push({page: '--url-base-prefix', trouble})
    await page.goto(base)
    assert.equal(page.url(), `${base}/containers/`)
    await until('the list under the prefix', async () => (await listed(page)).length >= 5)
    await page.click(`a[href$="/containers${encodeName(tc.name('busy'))}"]`)
    await until('a chart under the prefix', () => page.$('[data-chart="cpu-total"] canvas'))
    assert.deepEqual(
      trouble.requests.filter((u) => !u.startsWith(`${base}`)),
      [],
      'no request left the prefix',
    )
    await page.context().close()
  } finally {
    await prefixed.stop()
  }
})

test('no page logged an error or a warning, or threw', {skip}, () => {
  const bad = troubles.flatMap((t) => [...t.trouble.console, ...t.trouble.errors].map((m) => `${t.page}: ${m}`))
  assert.deepEqual(bad, [])
})
