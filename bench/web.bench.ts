// The web UI in Debian's chromium (playwright-core): how fast the container list draws 1,000
// real test cgroups, against a baseline in the same browser (the same rows as one HTML string
// set with innerHTML: the fast, unsafe way cadv's pages never use), and a soak of one
// container's page (CADV_BENCH_SOAK_SECONDS, default 300) whose heap, DOM nodes and event
// listeners must stay flat while it takes a sample every second, then the same page at ten
// samples a second (CADV_BENCH_FAST_SECONDS, default 180) for the heap's growth per update.
import {readFileSync} from 'node:fs'
import {cpus} from 'node:os'

import type {Page} from 'playwright-core'

import {chromiumSkipReason, heapAfterGc, launchChromium, openPage} from '../test/helpers/browser.js'
import {TestCgroups, realCgroupSkipReason} from '../test/helpers/cgroups.js'
import {ServeProcess} from '../test/helpers/serve.js'
import {until} from '../test/helpers/wait.js'
import {grownMost, heapByKind} from './lib/heap-snapshot.js'
import {cleanupOnInterrupt, once} from './lib/interrupt.js'

const CONTAINERS = Number(process.env.CADV_BENCH_CONTAINERS ?? 1000)
const SOAK_SECONDS = Number(process.env.CADV_BENCH_SOAK_SECONDS ?? 300)
const FAST_SECONDS = Number(process.env.CADV_BENCH_FAST_SECONDS ?? 180)
const LOADS = 7

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const mib = (b: number): string => (b / 1024 / 1024).toFixed(2)
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

/** The same table as one HTML string through innerHTML, on a blank page: the baseline. */
async function innerHtmlBaseline(page: Page, rows: unknown[]): Promise<number> {
  await page.goto('about:blank')
  // No named functions inside: the page gets the callback's source, without tsx's helpers.
  return page.evaluate((data) => {
    const keys = [
      'aliases',
      'factory',
      'image',
      'cpuPercent',
      'memoryUsageBytes',
      'memoryPercent',
      'netRxBytesPerSec',
      'netTxBytesPerSec',
      'blockReadBytesPerSec',
      'blockWriteBytesPerSec',
      'pids',
    ]
    const t0 = performance.now()
    const html = (data as Record<string, unknown>[])
      .map(
        (r) =>
          `<tr><th><a href="#">${String(r.name).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</a></th>` +
          keys.map((k) => `<td>${String(r[k] ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</td>`).join('') +
          '</tr>',
      )
      .join('')
    const table = document.createElement('table')
    document.body.appendChild(table)
    table.innerHTML = `<tbody>${html}</tbody>`
    void document.body.offsetHeight
    return performance.now() - t0
  }, rows)
}

async function main(): Promise<void> {
  const skip = realCgroupSkipReason() ?? chromiumSkipReason()
  if (skip) {
    console.log(`web.bench: skipped: ${skip}`)
    return
  }
  const tc = new TestCgroups('cadvb-web')
  let serve: ServeProcess | undefined
  const cleanup = once(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL')
    await tc.cleanup()
  })
  cleanupOnInterrupt('web bench', tc.root, cleanup)
  const browser = await launchChromium()
  try {
    tc.mkdir()
    for (let i = 0; i < CONTAINERS; i++) tc.mkdir(`app${i % 10}/c${String(i).padStart(4, '0')}`)
    tc.mkdir('busy')
    tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done'])
    serve = new ServeProcess(['--raw-cgroup-prefix-whitelist', tc.root, '--storage-duration', '30s'])
    await serve.ready(60_000)
    const url = serve.url
    const rows = await until(
      'every test cgroup sampled',
      async () => {
        const list = (await (await fetch(`${url}/api/v1/stats`)).json()) as {name: string; time?: string}[]
        const sampled = list.filter((r) => r.name.startsWith(`${tc.root}/`) && r.time)
        return sampled.length >= CONTAINERS ? list : undefined
      },
      {timeoutMs: 120_000, everyMs: 500},
    )

    // The list: from navigation to the first full draw (the page's own mark), several loads.
    const drawn: number[] = []
    const phases: Record<string, number>[] = []
    const sorts: number[] = []
    let shown = 0
    for (let i = 0; i < LOADS; i++) {
      const {page, trouble} = await openPage(browser)
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Performance.enable')
      await page.goto(`${url}/containers/`)
      const mark = await until('the list drawn', () =>
        page.evaluate(() => {
          const m = performance.getEntriesByName('cadv:list-drawn')[0] as PerformanceMark | undefined
          if (!m) return undefined
          // Where the time went: when each resource the page needed had arrived.
          const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
          const ends = ['static/app.js', 'api/v1/machine', 'api/v1/stats'].map(
            (part) => resources.find((e) => e.name.includes(part))?.responseEnd ?? NaN,
          )
          return {
            at: m.startTime,
            rows: document.querySelectorAll('table.rows tbody tr').length,
            phases: {html: nav.responseEnd, script: ends[0]!, machine: ends[1]!, stats: ends[2]!},
          }
        }),
      )
      drawn.push(mark.at)
      // The browser's own accounting of the main thread up to now, ms.
      const metrics = Object.fromEntries(
        ((await cdp.send('Performance.getMetrics')) as {metrics: {name: string; value: number}[]}).metrics.map((m) => [m.name, m.value]),
      )
      phases.push({
        ...mark.phases,
        scriptMs: metrics.ScriptDuration! * 1000,
        layoutMs: metrics.LayoutDuration! * 1000,
        styleMs: metrics.RecalcStyleDuration! * 1000,
        taskMs: metrics.TaskDuration! * 1000,
      })
      await cdp.detach()
      shown = mark.rows
      // A re-sort of every row by CPU, its layout included (the click handler redraws at once).
      sorts.push(
        await page.evaluate(() => {
          const t0 = performance.now()
          ;(document.querySelector('th:nth-child(5) button') as HTMLButtonElement).click()
          void document.body.offsetHeight
          return performance.now() - t0
        }),
      )
      if (trouble.console.length + trouble.errors.length > 0)
        throw new Error(`page errors: ${[...trouble.console, ...trouble.errors].join('; ')}`)
      await page.context().close()
    }
    const {page: blank} = await openPage(browser)
    const baseline: number[] = []
    for (let i = 0; i < LOADS; i++) baseline.push(await innerHtmlBaseline(blank, rows))
    await blank.context().close()

    console.log(
      `\n${rows.length} containers listed (${shown} rows drawn), ${LOADS} loads each; load average ${loadavg()} on ${cpus().length} cores\n`,
    )
    console.log('| figure | median | best | vs baseline |')
    console.log('|---|---|---|---|')
    const b = median(baseline)
    console.log(
      `| baseline: the rows as one HTML string, innerHTML + layout (no fetch) | ${b.toFixed(0)} ms | ${Math.min(...baseline).toFixed(0)} ms | 1.00× |`,
    )
    console.log(
      `| list page: navigation to the full list drawn (fetch, script, API, DOM) | ${median(drawn).toFixed(0)} ms | ${Math.min(...drawn).toFixed(0)} ms | ${(median(drawn) / b).toFixed(2)}× |`,
    )
    console.log(
      `| re-sort of every row by CPU, layout included | ${median(sorts).toFixed(0)} ms | ${Math.min(...sorts).toFixed(0)} ms | ${(median(sorts) / b).toFixed(2)}× |`,
    )
    const at = (k: string) => median(phases.map((p) => p[k]!)).toFixed(0)
    console.log(
      `(medians since navigation: page ${at('html')} ms, script ${at('script')} ms, /api/v1/machine ${at('machine')} ms, /api/v1/stats ${at('stats')} ms, list on screen ${median(drawn).toFixed(0)} ms; main thread: script ${at('scriptMs')} ms, style ${at('styleMs')} ms, layout ${at('layoutMs')} ms, all tasks ${at('taskMs')} ms)`,
    )
    console.log('target: the list of 1,000 containers drawn in under 1 s')

    // The soak: one container's page, a sample every second, heap after GC every 30 s.
    const {page, trouble} = await openPage(browser)
    await page.goto(`${url}/containers${tc.name('busy')}`)
    await until('its charts', () => page.$('[data-chart="cpu-total"] canvas'))
    const cdp = await page.context().newCDPSession(page)
    const points: {s: number; heap: number; nodes: number; listeners: number}[] = []
    const t0 = performance.now()
    for (let s = 0; s <= SOAK_SECONDS; s += 30) {
      if (SOAK_SECONDS === 0) break
      await until('the next half minute', () => performance.now() - t0 >= s * 1000, {timeoutMs: 60_000, everyMs: 250})
      const heap = await heapAfterGc(page)
      const counters = (await cdp.send('Memory.getDOMCounters')) as {nodes: number; jsEventListeners: number}
      points.push({s, heap, nodes: counters.nodes, listeners: counters.jsEventListeners})
    }
    console.log(`\ncontainer page soak: ${SOAK_SECONDS} s, a sample every second, 30 s kept (the window is full after 30 s)\n`)
    console.log('| time | JS heap after GC | DOM nodes | event listeners |')
    console.log('|---|---|---|---|')
    for (const p of points) console.log(`| ${p.s} s | ${mib(p.heap)} MiB | ${p.nodes} | ${p.listeners} |`)
    const steady = points.filter((p) => p.s >= 60)
    if (steady.length >= 2) {
      const first = steady[0]!
      const last = steady.at(-1)!
      const perMin = ((last.heap - first.heap) / ((last.s - first.s) / 60) / 1024).toFixed(1)
      console.log(
        `\nfrom ${first.s} s to ${last.s} s: heap ${mib(first.heap)} → ${mib(last.heap)} MiB (${perMin} KiB per minute), nodes ${first.nodes} → ${last.nodes}, listeners ${first.listeners} → ${last.listeners}`,
      )
    }
    if (trouble.console.length + trouble.errors.length > 0)
      console.log(`page errors: ${[...trouble.console, ...trouble.errors].join('; ')}`)
    await cdp.detach()
    await page.context().close()

    // The same page at ten samples a second (housekeeping 100 ms, 5 s kept): growth per update
    // would show ten times faster; what grows with time alone (compiled code, the browser's
    // own buffers) would not. The 1,013 cgroups' server is stopped first: it would only add load.
    if (FAST_SECONDS > 0) {
      await serve.stop()
      serve = undefined
      const fast = new ServeProcess([
        '--raw-cgroup-prefix-whitelist',
        tc.name('busy'),
        '--housekeeping-interval',
        '100ms',
        '--max-housekeeping-interval',
        '100ms',
        '--storage-duration',
        '5s',
      ])
      try {
        await fast.ready(60_000)
        const {page: p} = await openPage(browser)
        await p.goto(`${fast.url}/containers${tc.name('busy')}`)
        await until('its charts', () => p.$('[data-chart="cpu-total"] canvas'))
        const count = () => p.evaluate(() => document.querySelector('[data-chart="cpu-total"] time')?.getAttribute('datetime') ?? '')
        const tFast = performance.now()
        await until('30 s of warm-up', () => performance.now() - tFast >= 30_000, {timeoutMs: 60_000, everyMs: 250})
        const a = await heapAfterGc(p)
        const kindsA = await heapByKind(p)
        const fromAt = Date.parse(await count())
        await until('the fast run', () => performance.now() - tFast >= (30 + FAST_SECONDS) * 1000, {
          timeoutMs: (FAST_SECONDS + 60) * 1000,
          everyMs: 500,
        })
        const b = await heapAfterGc(p)
        const kindsB = await heapByKind(p)
        const updates = Math.round((Date.parse(await count()) - fromAt) / 100)
        console.log(
          `\nat ten samples a second: heap ${mib(a)} → ${mib(b)} MiB over ${FAST_SECONDS} s (about ${updates} updates): ${((b - a) / Math.max(1, updates)).toFixed(1)} bytes per update\n`,
        )
        console.log('| heap snapshot, by kind | before | after | per update |')
        console.log('|---|---:|---:|---:|')
        for (const kind of [...new Set([...kindsA.kinds.keys(), ...kindsB.kinds.keys()])].sort()) {
          const x = kindsA.kinds.get(kind) ?? 0
          const y = kindsB.kinds.get(kind) ?? 0
          if (x === 0 && y === 0) continue
          console.log(
            `| ${kind} | ${(x / 1024).toFixed(1)} KiB | ${(y / 1024).toFixed(1)} KiB | ${((y - x) / Math.max(1, updates)).toFixed(1)} B |`,
          )
        }
        const natives = grownMost(kindsA.natives, kindsB.natives, 3)
          .map(([name, grown]) => `${name} ${(grown / 1024).toFixed(1)} KiB`)
          .join(', ')
        console.log(`\nnative objects that grew most: ${natives}`)
        await p.context().close()
      } finally {
        await fast.stop()
      }
    }
  } finally {
    await browser.close()
    await serve?.stop()
    await cleanup()
  }
}

await main()
