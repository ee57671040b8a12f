/*
 * `cadv stats`: a live table (or JSON rows) per container. The command's policy: which kinds
 * it reads, how housekeeping is tuned for a table, what --json and --once mean, where
 * warnings go while a table is on the screen.
 */
import {nameDepth, selectHierarchies, type CgroupLayout} from '../cgroups/index.js'
import {createResolver} from '../factories/index.js'
import {createManager} from '../manager/index.js'
import {emptyStatsMessage, FrameWriter, parseFilters, renderStatsTable, statsHeader, type SortKey, type StatsRow} from '../output/index.js'
import {controllersForKinds, type MetricKind} from '../stats/index.js'
import {escapeControl, hostMemoryBytes} from '../util/index.js'
import type {AppContext} from './context.js'
import {resolverOptionsFromFlags, type RuntimeFlagValues} from './options.js'
import {startStatsFeed} from './stats-feed.js'

/** Only what the table shows is read: no per-CPU, no pressure. */
const STATS_KINDS: readonly MetricKind[] = ['cpu', 'memory', 'diskIO', 'network', 'process']

export interface StatsFlags extends RuntimeFlagValues {
  interval: number
  once: boolean
  json: boolean
  format: string
  'no-trunc': boolean
  sort: string
  filter?: string[]
  depth?: number
  all: boolean
}

export async function runStats(flags: StatsFlags, layout: CgroupLayout, ctx: AppContext): Promise<void> {
  // --json is one document: it implies --once.
  const format = flags.json ? 'json' : flags.format
  const once = flags.once || format === 'json'
  const filterValues = flags.filter ?? []
  const filters = parseFilters(filterValues)
  const kinds = new Set<MetricKind>(STATS_KINDS)
  const hierarchies = selectHierarchies(layout, controllersForKinds(kinds))
  ctx.note(`watching ${hierarchies.map((h) => `${h.id} at ${h.mountPoint}`).join(', ')}`)
  const interval = flags.interval
  const depth = flags.depth
  const writer = new FrameWriter(ctx.stdout)
  const manager = createManager({
    layout,
    kinds,
    // The prefix filter is applied here, at the watcher, and depth by `include`: the rows then
    // only filter by factory and label.
    watch: {hierarchies, ...(filters.prefix.length > 0 ? {prefixes: filters.prefix} : {})},
    // A table wants every row fresh each refresh: no back-off, no jitter, and only the two
    // newest samples kept. The first waits are spread over an interval so a thousand
    // containers found at start-up are not all read in the same instant (one long event-loop
    // stall per refresh).
    housekeeping: {intervalMs: interval, maxIntervalMs: interval, dynamic: false, jitterFactor: 0, initialSplayFactor: once ? 0 : 1},
    store: {maxAgeMs: interval * 3, maxSamples: 3},
    ...(depth === undefined ? {} : {include: (name: string) => nameDepth(name) <= depth}),
    // Names, factories and labels come from the runtimes; a slow or absent runtime delays only
    // its own containers (and makes them raw after its timeout).
    resolver: createResolver(resolverOptionsFromFlags(flags)),
    onWarning: (m) => ctx.note(m),
    // On a terminal the table is redrawn in place: the lines are kept under it.
    onReadError: ctx.readErrors((m) =>
      format === 'table' && writer.tty ? writer.notice(`cadv stats: warning: ${escapeControl(m)}`) : ctx.warn(m),
    ),
    // Fallbacks must be visible: always, once each. On a terminal the table is redrawn in
    // place, so the line is kept under it instead of being painted over.
    onWatcherWarning: (m) => {
      if (format === 'table' && writer.tty) writer.notice(`cadv stats: warning: ${escapeControl(m)}`)
      else ctx.warn(m)
    },
  })
  const sort = flags.sort as SortKey
  const narrowed = filterValues.length > 0 || depth !== undefined
  const empty = emptyStatsMessage(
    layout.cgroupRoot,
    hierarchies.map((h) => h.id),
    narrowed,
  )
  const render = (rows: StatsRow[], at: Date): void => {
    if (format === 'json') {
      ctx.stdout.write(JSON.stringify({time: at.toISOString(), containers: rows}, null, 2) + '\n')
      if (rows.length === 0) process.stderr.write(empty + '\n')
    } else if (format === 'ndjson') {
      if (rows.length === 0) ctx.note(empty)
      for (const r of rows) ctx.stdout.write(JSON.stringify(r) + '\n')
    } else {
      const body = rows.length === 0 ? empty : renderStatsTable(rows, flags['no-trunc'])
      writer.draw(`${statsHeader(at, rows.length, interval, sort)}\n${body}`)
    }
  }
  ctx.exitQuietlyOnEpipe(() => manager.stop())
  await manager.start()
  const feed = startStatsFeed({
    manager,
    intervalMs: interval,
    once,
    query: {filters, sort, all: flags.all, hostMemoryBytes: hostMemoryBytes(layout.procRoot)},
    onRows: render,
  })
  if ((await ctx.untilSignal(feed.done)) !== undefined) feed.stop()
  await feed.done
  writer.close()
  await manager.stop()
}
