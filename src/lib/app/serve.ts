/*
 * `cadv serve`: the metrics endpoint over a running manager. The command's policy: the kinds,
 * the labels, what --once waits for, how it stops.
 */
import {readFileSync} from 'node:fs'

import type {CgroupLayout} from '../cgroups/index.js'
import {createResolver} from '../factories/index.js'
import {createManager, type Manager, type PendingContainer} from '../manager/index.js'
import {
  checkServeSetup,
  fullCollection,
  readMachineFacts,
  readMachineInfo,
  renderExposition,
  startServe,
  type ExpositionOptions,
} from '../metrics/index.js'
import {selectKinds} from '../stats/index.js'
import type {AppContext} from './context.js'
import {failIfUnanswered, type RuntimeWaitFlagValues} from './runtime-wait.js'
import {hostNetnsOption, type NetnsFlagValues} from './netns.js'
import {housekeepingOptionsFrom, resolverOptionsFromFlags, type HousekeepingFlagValues, type RuntimeFlagValues} from './options.js'
import {sayUnavailableKinds} from './kind-notes.js'
import {compatManagerOptions, urlBasePrefix, type CompatFlagValues} from './serve-compat.js'
import {kindOptionsFrom, type KindsFlagValues} from './kinds-options.js'
import {serveEvents, type EventsFlagValues} from './serve-events.js'
import {startServeStorage, type StorageFlagValues} from './serve-storage.js'
import {webSetupFrom, type WebUiFlagValues} from './serve-web-ui.js'
import {endpointLimits, type EndpointFlagValues} from './serve-endpoint.js'
import {preferSmallHeap, smallHeapWanted} from './heap.js'
import {HeapCompaction} from './heap-compaction.js'

/** How long a graceful stop lets scrapes in progress finish. */
const STOP_GRACE_MS = 5000

export interface ServeFlags
  extends
    RuntimeFlagValues,
    HousekeepingFlagValues,
    EventsFlagValues,
    WebUiFlagValues,
    CompatFlagValues,
    EndpointFlagValues,
    StorageFlagValues,
    KindsFlagValues,
    NetnsFlagValues,
    RuntimeWaitFlagValues {
  listen: string[]
  'telemetry-path': string
  'web-config-file'?: string
  'max-requests': number
  'request-timeout': number
  'enable-metrics'?: string[]
  'disable-metrics'?: string[]
  'store-container-labels': boolean
  'kubelet-labels': boolean
  'whitelisted-container-labels'?: string[]
  'sample-timestamps': boolean
  'disable-exporter-metrics': boolean
  'exposition-cache': boolean
  'proc-root': string
  once: boolean
  'housekeeping-yield': boolean
  'metrics-thread-priority': number
  'heap-compaction': boolean
}

/** cadv's version, from its package.json (one read at start). */
export function cadvVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string}
  return pkg.version
}

/** Comma-separated and repeated values as one list, blanks dropped. */
export function commaList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean)
}

/**
 * Resolves once every container published has a sample (and, with settleMs, no new container
 * appeared for that long), or after capMs. Follows the manager's events. `unref`: its timers do
 * not keep the process alive (waited for beside a server, which may stop first).
 */
export function firstRound(manager: Manager, capMs: number, settleMs = 0, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const unsampled = new Set<string>()
    for (const c of manager.containers()) if (c.samples.length === 0) unsampled.add(c.name)
    let settle: NodeJS.Timeout | undefined
    const done = (): void => {
      clearTimeout(settle)
      clearTimeout(cap)
      manager.off('add', onAdd)
      manager.off('sample', onChange)
      manager.off('delete', onDelete)
      resolve()
    }
    const arm = (): void => {
      clearTimeout(settle)
      if (unsampled.size === 0) settle = setTimeout(done, settleMs)
      if (unref) settle?.unref()
    }
    const onAdd = (c: {name: string; samples: {readonly length: number}}): void => {
      if (c.samples.length === 0) unsampled.add(c.name)
      arm()
    }
    const onChange = (c: {name: string}): void => {
      if (unsampled.delete(c.name) && unsampled.size === 0) arm()
    }
    const onDelete = (name: string): void => {
      if (unsampled.delete(name)) arm()
    }
    const cap = setTimeout(done, capMs)
    if (unref) cap.unref()
    manager.on('add', onAdd)
    manager.on('sample', onChange)
    manager.on('delete', onDelete)
    arm()
  })
}

/** The longest serve runs in V8's normal heap mode at start, reading the containers found (app/heap.ts). */
const SMALL_HEAP_AFTER_MS = 5 * 60_000

/** Bytes as MB with one decimal, for notes. */
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1)

/** The housekeeping flags, and whether reads yield to requests (the hidden --no-housekeeping-yield is a benchmark's baseline). */
function housekeepingWithPriority(flags: ServeFlags): ReturnType<typeof housekeepingOptionsFrom> {
  const o = housekeepingOptionsFrom(flags)
  return {...o, housekeeping: {...o.housekeeping, yieldToRequests: flags['housekeeping-yield']}}
}

export async function runServe(flags: ServeFlags, layout: CgroupLayout, ctx: AppContext): Promise<void> {
  // V8's memory-saving mode (app/heap.ts): with --once at once, else once the containers found at start were read.
  const smallHeap = smallHeapWanted()
  const smallHeapNow = (): void => {
    if (preferSmallHeap()) ctx.note('V8 memory-saving mode on (node --no-optimize-for-size turns it off)')
  }
  const kinds = selectKinds(flags['enable-metrics'], flags['disable-metrics'])
  const named = commaList(flags['enable-metrics'])
  const kindOptions = kindOptionsFrom(flags, named)
  sayUnavailableKinds(kinds, layout, named, kindOptions.kindOptions!, ctx)
  checkServeSetup({listen: flags.listen, telemetryPath: flags['telemetry-path'], webConfigFile: flags['web-config-file']})
  const limits = endpointLimits(flags)
  const version = cadvVersion()
  const prefix = urlBasePrefix(flags)
  const housekeeping = housekeepingWithPriority(flags)
  const manager = createManager({
    layout,
    kinds,
    ...housekeeping,
    ...compatManagerOptions(flags, housekeeping),
    maxOpenFiles: limits.maxOpenFiles,
    ...kindOptions,
    resolver: createResolver(resolverOptionsFromFlags(flags)),
    runtimeWaitMs: flags['runtime-wait'],
    ...hostNetnsOption(flags, layout, ctx),
    onWarning: (m) => ctx.note(m),
    onReadError: ctx.readErrors(),
    onNote: (m) => ctx.note(m),
    // Fallbacks must be visible: always on stderr, once each.
    onWatcherWarning: (m) => ctx.warn(m),
  })
  const exposition: ExpositionOptions = {
    kinds,
    labels: {
      storeContainerLabels: flags['store-container-labels'],
      whitelistedLabels: commaList(flags['whitelisted-container-labels']),
      kubelet: flags['kubelet-labels'],
    },
    timestamps: flags['sample-timestamps'],
    machine: readMachineInfo(flags['proc-root']),
    machineFacts: readMachineFacts(flags['proc-root']),
    deletedLastSeenMs: flags['deleted-last-seen'],
    version,
    noCache: !flags['exposition-cache'],
  }
  const exporterMetrics = !flags['disable-exporter-metrics']
  // Built before --once too: bad event limits are refused the same way in both modes.
  const events = serveEvents(flags, layout, manager, ctx)
  const storage = await startServeStorage(flags, manager, exposition, version, ctx)

  if (flags.once) {
    if (smallHeap) smallHeapNow()
    ctx.exitQuietlyOnEpipe()
    await manager.start()
    let unanswered: PendingContainer[] = []
    try {
      // Every container found has its runtime's answer (or waited the whole --runtime-wait and
      // is shown from its name), then one housekeeping round, bounded: at least 5 s, or three
      // intervals when they are longer.
      await manager.settled()
      await firstRound(manager, Math.max(5000, 3 * flags['housekeeping-interval']))
      ctx.stdout.write(await renderExposition(manager, exposition, exporterMetrics, 'prometheus'))
      unanswered = manager.byName()
    } finally {
      await manager.stop()
      await storage?.stop()
    }
    failIfUnanswered(ctx, unanswered, flags['runtime-wait'])
    return
  }

  // Before anything is started: SIGHUP and SIGUSR2 must not end the process, nor SIGUSR1 open a debugger.
  let reload = (): void => ctx.note('SIGHUP before the server started: nothing to reload yet')
  await ctx.daemonSignals(() => reload())
  // Stop signals are ours from here on too: one during start-up (the first scan of a big host
  // takes seconds) lets the start finish and then stops the server, exit 0, as one later does.
  const signalled = ctx.untilSignal(undefined, {daemon: true})
  // Before the manager starts, so the containers found at start get their creation events.
  events.start()
  const handle = await startServe({
    cadvisorApi: events.api,
    urlBasePrefix: prefix,
    manager,
    exposition,
    exporterMetrics,
    listen: flags.listen,
    telemetryPath: flags['telemetry-path'],
    webConfigFile: flags['web-config-file'],
    maxRequests: flags['max-requests'],
    metricsThreadPriority: flags['metrics-thread-priority'],
    requestTimeoutMs: flags['request-timeout'],
    bodyTimeoutMs: limits.bodyTimeoutMs,
    maxConnections: limits.maxConnections,
    maxConnectionsPerClient: limits.maxConnectionsPerClient,
    version,
    ...webSetupFrom(flags),
    log: (m) => ctx.say(m),
    warn: (m) => ctx.warn(m),
    registerMetrics: storage && ((registry) => storage.storage.registerMetrics(registry)),
  }).catch(async (err: unknown) => {
    events.stop()
    await storage?.stop()
    throw err
  })
  // Every container found at start read once (or 5 minutes): what stays alive is made; from now on the heap stays small.
  let stopped = false
  // And, in that mode, the pages V8's own full collections leave partly empty are emptied (app/heap-compaction.ts).
  let compaction: HeapCompaction | undefined
  if (smallHeap)
    void firstRound(manager, SMALL_HEAP_AFTER_MS, 0, true).then(() => {
      smallHeapNow()
      const collect = flags['heap-compaction'] ? fullCollection() : undefined
      if (collect && !stopped)
        compaction = new HeapCompaction(collect, {
          onCompaction: (ms, before, after) =>
            ctx.note(
              `heap compaction: ${ms.toFixed(0)} ms; old space ${mb(before.used)} MB in ${mb(before.committed)} MB of pages -> ${mb(after.used)} in ${mb(after.committed)}`,
            ),
        })
    })
  reload = () => {
    void handle.reloadWebConfig().then((r) => r === 'none' && ctx.note('SIGHUP: there is no --web-config-file to reload'))
  }
  for (const w of handle.warnings) ctx.warn(w)
  const scheme = handle.tls ? 'https' : 'http'
  for (const a of handle.addresses) {
    const host = a.address.includes(':') ? `[${a.address}]` : a.address
    ctx.say(`listening on ${scheme}://${host}:${a.port}${prefix ?? ''}${flags['telemetry-path']}`)
  }
  const signal = await signalled
  ctx.note(`${signal}: finishing requests in progress`)
  stopped = true
  compaction?.stop()
  await handle.stop(STOP_GRACE_MS).catch((err: Error) => ctx.say(err.message))
  events.stop()
  await storage?.stop()
}
