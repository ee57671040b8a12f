/*
 * A real browser for web UI tests: Debian's chromium (never a downloaded one), driven by
 * playwright-core, headless, with every background connection off (the machine has no network
 * beyond loopback) and a fresh profile per launch. Each page's console errors, uncaught errors
 * and dialogs are collected, so a test can say "nothing went wrong" and mean it.
 */
import {existsSync} from 'node:fs'

import {chromium, type Browser, type BrowserContextOptions, type Page} from 'playwright-core'

export const CHROMIUM = process.env.CADV_CHROMIUM ?? '/usr/bin/chromium'

export function chromiumSkipReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `needs Debian's chromium at ${CHROMIUM} (.ci/run installs it)`
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function launchChromium(): Promise<Browser> {
  // Playwright starts it with a new empty profile (its own temporary --user-data-dir).
  return chromium.launch({executablePath: CHROMIUM, args: ARGS, timeout: 60_000})
}

/** What went wrong in a page: console errors and warnings, uncaught exceptions, dialogs (alert()). */
export interface PageTrouble {
  console: string[]
  errors: string[]
  dialogs: string[]
  requests: string[]
}

/** A new page (its own context) whose trouble is recorded. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{page: Page; trouble: PageTrouble}> {
  const context = await browser.newContext({viewport: {width: 1280, height: 800}, ...options})
  const page = await context.newPage()
  const trouble: PageTrouble = {console: [], errors: [], dialogs: [], requests: []}
  page.on('console', (m) => {
    // The location names the resource for chromium's own "Failed to load resource" lines.
    const at = m.location().url
    if (m.type() === 'error' || m.type() === 'warning') trouble.console.push(`${m.type()}: ${m.text()}${at ? ` (${at})` : ''}`)
  })
  page.on('pageerror', (e) => trouble.errors.push(e.message))
  page.on('dialog', (d) => {
    trouble.dialogs.push(`${d.type()}: ${d.message()}`)
    void d.dismiss()
  })
  page.on('request', (r) => trouble.requests.push(r.url()))
  return {page, trouble}
}

/** Heap in use after a full garbage collection, bytes (Chrome DevTools Protocol). */
export async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('HeapProfiler.collectGarbage')
    const {usedSize} = await cdp.send('Runtime.getHeapUsage')
    return usedSize
  } finally {
    await cdp.detach()
  }
}
