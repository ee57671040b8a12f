/*
 * The metrics endpoint put together: a manager (anything with the ContainerView read side and
 * a lifecycle), the exposition, the self-metrics, the web config, the routes and the HTTP
 * servers. The app (app/serve.ts) decides when it starts and stops.
 */
import type {Registry} from 'prom-client'

import type {ContainerView, ExpositionFormat} from '../model/index.js'
import type {WatcherStats} from '../watch/index.js'
import {containersApi} from './api.js'
import {cadvisorApi, type CadvisorApiOptions} from './cadvisor-api.js'
import {Exposition, type ExpositionOptions} from './exposition.js'
import {healthz, landingPage} from './landing.js'
import {machineApi, type CollectionSettings} from './machine-api.js'
import {RegistryText, SelfMetrics} from './self.js'
import {registerServerMetrics} from './server-metrics.js'
import {startFront, type Front} from './front.js'
import {listenSettings, type ListenSettings} from './front-protocol.js'
import type {Route} from './http.js'
import {ListenError, MetricsServer, parseListen, type ServerStats} from './server.js'
import {MetricsSource} from './source.js'
import {statsApi} from './stats-api.js'
import {loadWebConfig, WebConfigWatcher} from './web-config.js'
import {webUiRoutes, type WebUiOptions} from './web-ui/index.js'

export interface RunningView extends ContainerView {
  start(): Promise<void>
  stop(): Promise<void>
  watchStats(): WatcherStats
  /** Kept cgroup files; `shortages`: opens that found the process out of descriptors. */
  fileStats?(): {shortages: number}
}

/**
 * The kubelet serves its cAdvisor metrics here; serving the same body there lets scrape
 * configs and ServiceMonitors written for the kubelet scrape cadv unchanged.
 */
export const KUBELET_CADVISOR_PATH = '/metrics/cadvisor'

/** The listen settings but the telemetry aliases (always the kubelet's path, below). */
export interface ServeSetup extends Omit<ListenSettings, 'telemetryAliases'> {
  manager: RunningView
  exposition: ExpositionOptions
  /** process_* and nodejs_* self-metrics (off with --disable-exporter-metrics). */
  exporterMetrics: boolean
  version: string
  /** How samples are collected, for /api/v1/machine. */
  collection: CollectionSettings
  /** The web UI (/containers/…); absent with --disable-web-ui. */
  webUi?: WebUiOptions
  log: (message: string) => void
  /** cAdvisor's REST API (/api/v1.x, /api/v2.x): its event store, layout and machine source. */
  cadvisorApi?: Omit<CadvisorApiOptions, 'view' | 'version'>
  /** Lines the operator must see whatever the verbosity (refused reloads, out of descriptors). */
  warn?: (message: string) => void
  /** Adds metrics of other parts (the storage drivers') to the self-metrics; kept under --disable-exporter-metrics. */
  registerMetrics?: (registry: Registry) => void
  /** Nice steps below the process the metrics thread asks for (thread-priority.ts); 0 or absent: none. */
  metricsThreadPriority?: number
}

export interface ServeHandle {
  addresses: Array<{address: string; port: number}>
  tls: boolean
  /** Things the operator should hear about (serving every interface with no authentication). */
  warnings: string[]
  /** Stops listening, lets scrapes in progress finish (up to graceMs), stops the manager. */
  stop(graceMs?: number): Promise<void>
  /**
   * Re-reads --web-config-file now (SIGHUP): 'reloaded', 'refused' (said on stderr; the
   * previous config stays in force) or 'none' when there is no web config.
   */
  reloadWebConfig(): Promise<'reloaded' | 'refused' | 'none'>
}

/**
 * Whether the HTTP side runs on a thread of its own (front.ts): the default. CADV_SERVE_THREAD=0
 * keeps it on the main thread (the benchmark's comparison, and a way out).
 */
function servingThread(): boolean {
  return process.env.CADV_SERVE_THREAD !== '0'
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
  const threaded = servingThread()
  const self = setup.exporterMetrics ? new SelfMetrics(setup.manager, () => setup.manager.watchStats()) : undefined
  // Other parts' metrics (the storage drivers': is every sample reaching its backend) are about
  // the data the user asked for, not about cadv's process: they stay under
  // --disable-exporter-metrics, as node_exporter's node_scrape_collector_* stay under its
  // --web.disable-exporter-metrics, which drops only the process, runtime and handler metrics.
  const appended = self ?? (setup.registerMetrics ? new RegistryText() : undefined)
  if (appended) setup.registerMetrics?.(appended.registry)
  const source = new MetricsSource({
    view: setup.manager,
    // Shared with the metrics thread: it serves a body while the next one copies lines out of it.
    exposition: new Exposition({...setup.exposition, sharedBodies: threaded}),
    self: appended,
    noBodyCache: setup.exposition.noCache,
    generation: threaded ? new Int32Array(new SharedArrayBuffer(4)) : undefined,
  })
  const api = setup.cadvisorApi ? cadvisorApi({...setup.cadvisorApi, view: setup.manager, version: setup.version}) : undefined
  const landing = landingPage(setup.telemetryPath, setup.version)
  const routes: Route[] = [
    ...(setup.webUi ? webUiRoutes(setup.manager, {...setup.webUi, urlBasePrefix: setup.urlBasePrefix}, landing) : []),
    landing,
    healthz,
    containersApi(setup.manager, {kubelet: setup.exposition.labels?.kubelet}),
    statsApi(setup.manager, setup.exposition.machine.memoryBytes || undefined),
    machineApi(setup.exposition.machine, setup.collection, setup.version),
    ...(api ? [api] : []),
  ]
  let stats: () => ServerStats
  let server: {stop(graceMs: number): Promise<void>}
  let reload: () => Promise<'reloaded' | 'refused'>
  let addresses: Array<{address: string; port: number}>
  let tls: boolean
  let authenticated: boolean
  const listening = listenSettings({...setup, telemetryAliases: [KUBELET_CADVISOR_PATH]})
  // Listen first: a port in use must fail before the manager starts reading cgroups.
  if (threaded) {
    const front: Front = await startFront({
      ...listening,
      cache: {noBodyCache: setup.exposition.noCache},
      threadPriority: setup.metricsThreadPriority ?? 0,
      source,
      routes,
      self,
      log: setup.log,
      warn: setup.warn,
    })
    // Right after listening, before the first body can be asked for (a later message).
    stats = () => front.stats()
    if (self) registerServerMetricsOf(setup, self, stats)
    server = front
    reload = () => front.reloadWebConfig()
    ;({addresses, tls, authenticated} = front)
  } else {
    const webConfig = setup.webConfigFile ? new WebConfigWatcher(setup.webConfigFile) : undefined
    const s = new MetricsServer({
      ...listening,
      source,
      self,
      routes,
      webConfig,
      log: setup.log,
      warn: setup.warn,
    })
    stats = () => s.stats()
    if (self) registerServerMetricsOf(setup, self, stats)
    addresses = await s.start()
    server = s
    reload = () => Promise.resolve(webConfig!.reload() ? 'reloaded' : 'refused')
    const config = webConfig?.current()
    tls = config?.tls !== undefined
    authenticated = config?.users !== undefined || config?.tls?.clientAuth === 'RequireAndVerifyClientCert'
  }
  try {
    await setup.manager.start()
  } catch (err) {
    await server.stop(0)
    throw err
  }
  const open = setup.listen.filter((l) => {
    const host = parseListen(l).host
    return host === undefined || host === '0.0.0.0' || host === '::'
  })
  const warnings: string[] = []
  if (open.length > 0 && !authenticated) {
    warnings.push(
      `${open.join(', ')}: every interface, without authentication; anyone who can reach it sees the host's containers (see --web-config-file)`,
    )
  }
  return {
    addresses: addresses.map((a) => ({address: a.address, port: a.port})),
    tls,
    warnings,
    async stop(graceMs = 5000) {
      await server.stop(graceMs)
      api?.close()
      source.close()
      await setup.manager.stop()
    },
    async reloadWebConfig() {
      if (!setup.webConfigFile) return 'none'
      return reload()
    },
  }
}

function registerServerMetricsOf(setup: ServeSetup, self: SelfMetrics, stats: () => ServerStats): void {
  const files = setup.manager.fileStats?.bind(setup.manager)
  registerServerMetrics(self.registry, {server: stats, fileShortages: files ? () => files().shortages : undefined})
}

/** One exposition of the view's containers as they are now (`cadv serve --once`). */
export async function renderExposition(
  view: RunningView,
  exposition: ExpositionOptions,
  exporterMetrics: boolean,
  format: ExpositionFormat,
): Promise<string> {
  const source = new MetricsSource({
    view,
    exposition: new Exposition(exposition),
    self: exporterMetrics ? new SelfMetrics(view, () => view.watchStats()) : undefined,
  })
  try {
    const body = await source.body(format)
    return body.text.toString('utf8')
  } finally {
    source.close()
  }
}
