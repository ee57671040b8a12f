/*
 * `cadv serve` put together: a started manager (anything with the ContainerView read side and a
 * lifecycle), the exposition, the self-metrics, the web config and the HTTP servers.
 */
import type {ContainerView} from '../manager.js'
import type {WatcherStats} from '../watch/index.js'
import {Exposition, type ExpositionOptions} from './exposition.js'
import {SelfMetrics} from './self.js'
import {ListenError, MetricsServer, parseListen} from './server.js'
import {MetricsSource} from './source.js'
import type {ExpositionFormat} from './text.js'
import {loadWebConfig, WebConfigWatcher} from './web-config.js'

export interface RunningView extends ContainerView {
  start(): Promise<void>
  stop(): Promise<void>
  watchStats(): WatcherStats
}

export interface ServeSetup {
  manager: RunningView
  exposition: ExpositionOptions
  /** process_* and nodejs_* self-metrics (off with --disable-exporter-metrics). */
  exporterMetrics: boolean
  listen: readonly string[]
  telemetryPath: string
  webConfigFile?: string
  maxRequests: number
  requestTimeoutMs: number
  version: string
  log: (message: string) => void
}

export interface ServeHandle {
  addresses: Array<{address: string; port: number}>
  tls: boolean
  /** Things the operator should hear about (serving every interface with no authentication). */
  warnings: string[]
  /** Stops listening, lets scrapes in progress finish (up to graceMs), stops the manager. */
  stop(graceMs?: number): Promise<void>
}

/**
 * The checks of the serving flags that need nothing started: `serve --once` runs them too, so
 * input that is wrong is refused the same way (exit 2, one line) in both modes.
 */
export function checkServeSetup(setup: Pick<ServeSetup, 'listen' | 'telemetryPath' | 'webConfigFile'>): void {
  if (!setup.telemetryPath.startsWith('/')) throw new ListenError(`--telemetry-path "${setup.telemetryPath}" must start with /`)
  for (const l of setup.listen) parseListen(l)
  if (setup.webConfigFile) loadWebConfig(setup.webConfigFile)
}

/** Starts the manager and the servers; the web config is checked before anything starts. */
export async function startServe(setup: ServeSetup): Promise<ServeHandle> {
  checkServeSetup(setup)
  const webConfig = setup.webConfigFile ? new WebConfigWatcher(setup.webConfigFile) : undefined
  const self = setup.exporterMetrics ? new SelfMetrics(setup.manager, () => setup.manager.watchStats()) : undefined
  const source = new MetricsSource({
    view: setup.manager,
    exposition: new Exposition(setup.exposition),
    self,
    noBodyCache: setup.exposition.noCache,
  })
  const server = new MetricsServer({
    listen: setup.listen,
    telemetryPath: setup.telemetryPath,
    source,
    self,
    view: setup.manager,
    webConfig,
    maxRequests: setup.maxRequests,
    requestTimeoutMs: setup.requestTimeoutMs,
    version: setup.version,
    log: setup.log,
  })
  // Listen first: a port in use must fail before the manager starts reading cgroups.
  const addresses = await server.start()
  try {
    await setup.manager.start()
  } catch (err) {
    await server.stop(0)
    throw err
  }
  const config = webConfig?.current()
  const open = setup.listen.filter((l) => {
    const host = parseListen(l).host
    return host === undefined || host === '0.0.0.0' || host === '::'
  })
  const warnings: string[] = []
  if (open.length > 0 && !config?.users && config?.tls?.clientAuth !== 'RequireAndVerifyClientCert') {
    warnings.push(`${open.join(', ')}: every interface, without authentication; anyone who can reach it sees the host's containers (see --web-config-file)`)
  }
  return {
    addresses: addresses.map((a) => ({address: a.address, port: a.port})),
    tls: config?.tls !== undefined,
    warnings,
    async stop(graceMs = 5000) {
      await server.stop(graceMs)
      source.close()
      await setup.manager.stop()
    },
  }
}

/**
 * Waits for one housekeeping round: every container found has a sample and no new container
 * appeared for a moment (runtime lookups finish asynchronously). Gives up after capMs.
 */
export async function firstRound(view: ContainerView, capMs: number): Promise<void> {
  const deadline = Date.now() + capMs
  let lastCount = -1
  let stableSince = Date.now()
  for (;;) {
    const states = [...view.containers()]
    const ready = states.every((s) => s.samples.length > 0)
    if (states.length !== lastCount) {
      lastCount = states.length
      stableSince = Date.now()
    }
    if (ready && Date.now() - stableSince >= 200) return
    if (Date.now() >= deadline) return
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** `cadv serve --once`: one exposition of the current containers after one housekeeping round. */
export async function renderOnce(setup: Pick<ServeSetup, 'manager' | 'exposition' | 'exporterMetrics'>, format: ExpositionFormat, capMs: number): Promise<string> {
  await setup.manager.start()
  try {
    await firstRound(setup.manager, capMs)
    const source = new MetricsSource({
      view: setup.manager,
      exposition: new Exposition(setup.exposition),
      self: setup.exporterMetrics ? new SelfMetrics(setup.manager, () => setup.manager.watchStats()) : undefined,
    })
    const body = await source.body(format)
    source.close()
    return body.text.toString('utf8')
  } finally {
    await setup.manager.stop()
  }
}
