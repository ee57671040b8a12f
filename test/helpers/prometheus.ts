/*
 * A real Prometheus server for tests: /usr/bin/prometheus on 127.0.0.1 with its own temporary
 * config and storage directory, scraping the given targets every second. Stopped by pid; the
 * directory is removed.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {until} from './wait.js'

export const PROMETHEUS = '/usr/bin/prometheus'

export function prometheusSkipReason(): string | undefined {
  return existsSync(PROMETHEUS) ? undefined : 'prometheus is not installed (Debian package prometheus)'
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

export interface PrometheusTarget {
  job: string
  /** host:port */
  address: string
  metricsPath?: string
  /** Target labels added to every series scraped from it. */
  labels?: Record<string, string>
  /** Keep the scraped series' own labels where they clash with target labels. */
  honorLabels?: boolean
}

export interface PrometheusOptions {
  /** More prometheus flags (`--web.enable-remote-write-receiver`). */
  extraArgs?: string[]
  /** Rule files (recording rules and alerts), evaluated every second. */
  ruleFiles?: string[]
}

export class TestPrometheus {
  private child?: ChildProcess
  private dir?: string
  port = 0
  log = ''

  async start(targets: PrometheusTarget[], options: PrometheusOptions = {}): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'cadv-prom-'))
    this.port = await freePort()
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 900ms',
      '  evaluation_interval: 1s',
      ...(options.ruleFiles?.length ? ['rule_files:', ...options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
      'scrape_configs:',
      ...targets.flatMap((t) => [
        `  - job_name: ${JSON.stringify(t.job)}`,
        `    metrics_path: ${JSON.stringify(t.metricsPath ?? '/metrics')}`,
        ...(t.honorLabels ? ['    honor_labels: true'] : []),
        '    static_configs:',
        `      - targets: [${JSON.stringify(t.address)}]`,
        ...(t.labels ? [`        labels: ${JSON.stringify(t.labels)}`] : []),
      ]),
    ].join('\n')
    writeFileSync(join(this.dir, 'prometheus.yml'), `${config}\n`)
    this.child = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        '--log.level=warn',
        ...(options.extraArgs ?? []),
      ],
      {stdio: ['ignore', 'ignore', 'pipe']},
    )
    this.child.stderr!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20_000)))
    await until(
      'prometheus to be ready',
      () => {
        if (this.child!.exitCode !== null) throw new Error(`prometheus exited ${this.child!.exitCode}: ${this.log}`)
        return fetch(`http://127.0.0.1:${this.port}/-/ready`).then(
          (res) => res.ok,
          () => false,
        )
      },
      {timeoutMs: 30_000, everyMs: 200, detail: () => this.log},
    )
  }

  /** An instant PromQL query; the result vector. */
  async query(promql: string): Promise<Array<{metric: Record<string, string>; value: [number, string]}>> {
    const res = await fetch(`http://127.0.0.1:${this.port}/api/v1/query?query=${encodeURIComponent(promql)}`)
    const body = (await res.json()) as {
      status: string
      error?: string
      data: {result: Array<{metric: Record<string, string>; value: [number, string]}>}
    }
    if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error}`)
    return body.data.result
  }

  /** A range query (times in seconds since the epoch); each series' [time, value] pairs. */
  async queryRange(
    promql: string,
    start: number,
    end: number,
    step = 1,
  ): Promise<Array<{metric: Record<string, string>; values: Array<[number, string]>}>> {
    const q = new URLSearchParams({query: promql, start: String(start), end: String(end), step: String(step)})
    const res = await fetch(`http://127.0.0.1:${this.port}/api/v1/query_range?${q}`)
    const body = (await res.json()) as {
      status: string
      error?: string
      data: {result: Array<{metric: Record<string, string>; values: Array<[number, string]>}>}
    }
    if (body.status !== 'success') throw new Error(`query_range ${promql}: ${body.error}`)
    return body.data.result
  }

  /** Scrape health of every target, from /api/v1/targets. */
  async targets(): Promise<Array<{health: string; lastError: string; scrapeUrl: string}>> {
    const res = await fetch(`http://127.0.0.1:${this.port}/api/v1/targets`)
    const body = (await res.json()) as {data: {activeTargets: Array<{health: string; lastError: string; scrapeUrl: string}>}}
    return body.data.activeTargets
  }

  async stop(): Promise<void> {
    const child = this.child
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
    if (this.dir) rmSync(this.dir, {recursive: true, force: true})
  }
}
