/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The web UI in Debian's chromium against `cadv serve` on real test cgroups: the list shows a
// cgroup within 2 s of its mkdir, a busy cgroup's page draws its charts and its latest CPU
// figure is the API's, a cgroup named like markup stays text and runs nothing, keyboard and
// phone width work, and no page logs an error. Screenshots at 1280×800 go to test-artifacts/web-ui
// (UPDATE_SCREENSHOTS=1: docs/screenshots, linked from the README). Needs root and chromium.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import type {Browser, Page} from 'playwright-core'

import {chromiumSkipReason, heapAfterGc, launchChromium, openPage, type PageTrouble} from '../helpers/browser.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason() ?? chromiumSkipReason()
/** Markup in a cgroup name (a name may hold anything but `/` and NUL). */
const WEIRD = 'x<img src=x onerror="document.body.dataset.pwned=1">'
const SHOTS = fileURLToPath(
  new URL(process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots/' : '../../test-artifacts/web-ui/', import.meta.url),
)

let tc: TestCgroups
let serve: ServeProcess
let browser: Browser
const troubles: {page: string; trouble: PageTrouble}[] = []

function encodeName(name: string): string {
  return name
    .split('/')
    .map((p) => encodeURIComponent(p))
    .join('/')
}

async function open(path: string, viewport = {width: 1280, height: 800}): Promise<{page: Page; trouble: PageTrouble}> {
  const opened = await openPage(browser, {viewport})
  troubles.push({page: path, trouble: opened.trouble})
  const res = await opened.page.goto(`${serve.url}${path}`)
  assert.equal(res?.status(), 200, path)
  return opened
}

/** The href of each container link in the page's list or subcontainers table. */
function listed(page: Page): Promise<string[]> {
  return page.$$eval('table.rows tbody a', (as) => as.map((a) => a.getAttribute('href') ?? ''))
}

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-web')
  tc.mkdir()
  tc.mkdir('busy')
  tc.mkdir(WEIRD)
  for (const app of ['shop/web', 'shop/db', 'shop/worker']) tc.mkdir(app)
  tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done'])
  tc.spawnIn('shop/web', 'sleep', ['3600'])
  // The default kinds and `process` (off by default, as in cAdvisor), for the processes chart.
  serve = await new ServeProcess([
    '--raw-cgroup-prefix-whitelist',
    tc.root,
    '--enable-metrics',
    'cpu,percpu,memory,diskIO,network,process,pressure,oom_event',
  ]).ready()
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

test('no page logged an error or a warning, or threw', {skip}, () => {
  const bad = troubles.flatMap((t) => [...t.trouble.console, ...t.trouble.errors].map((m) => `${t.page}: ${m}`))
  assert.deepEqual(bad, [])
})
