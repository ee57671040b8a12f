/*
 * `cadv stats`: a live table (or JSON rows) per container. The command's policy: which kinds
 * it reads, how housekeeping is tuned for a table, what --json and --once mean, what a
 * terminal gets (in-place frames, keys, colour) and what a pipe gets (whole tables, plain
 * text), where warnings go while a table is on the screen.
 */
import {nameDepth, selectHierarchies, type CgroupLayout} from '../cgroups/index.js'
import {createResolver, FACTORY_ORDER} from '../factories/index.js'
import {createManager} from '../manager/index.js'
import {
  collectingLine,
  emptyStatsMessage,
  findingLine,
  FrameWriter,
  parseFilters,
  PENDING_LEGEND,
  RowOrder,
  statsHeader,
  StatsKeys,
  statsTableLines,
  type SortKey,
  type StatsRow,
  type StatsView,
} from '../output/index.js'
import {controllersForKinds, type Controller, type KindOptions, type MetricKind} from '../stats/index.js'
import {escapeControl, hostMemoryBytes} from '../util/index.js'
import type {AppContext} from './context.js'
import {hostNetnsOption, type NetnsFlagValues} from './netns.js'
import {failIfUnanswered, type RuntimeWaitFlagValues} from './runtime-wait.js'
import {resolverOptionsFromFlags, type RuntimeFlagValues} from './options.js'
import {startStatsFeed, type FeedProgress} from './stats-feed.js'

/** Only what the table shows is read: no per-CPU, no pressure. */
export const STATS_KINDS: readonly MetricKind[] = ['cpu', 'memory', 'diskIO', 'network', 'process']
/**
 * JSON and NDJSON rows carry more columns than the table shows: disk usage (writable layers,
 * walked in the background), descriptors and sockets, OOM kills.
 */
export const JSON_KINDS: readonly MetricKind[] = [...STATS_KINDS, 'disk', 'oom_event']
/**
 * The controllers whose directories those kinds' readers and a spec of the memory limit alone
 * read: CPU accounting (and cpu, where v1 may list the tasks), memory (usage, the limit, OOM
 * kills), blkio and pids. A unit test reads fixture trees with these and with all of them.
 */
export const STATS_CONTROLLERS: readonly Controller[] = ['cpu', 'cpuacct', 'memory', 'blkio', 'pids']

export interface StatsFlags extends RuntimeFlagValues, NetnsFlagValues, RuntimeWaitFlagValues {
  interval: number
  once: boolean
  json: boolean
  /** table (the default when not given), json or ndjson. */
  format?: string
  'no-trunc': boolean
  sort: string
  filter?: string[]
  depth?: number
  all: boolean
  tree: boolean
}

/**
 * The first rates come from two readings this far apart (or one interval, if shorter), not a
 * whole interval: the first table is a start-up cost the user waits for, and a rate over half a
 * second is still per second and exact (the readings carry their times). Later tables are one
 * interval apart.
 */
export const FIRST_WINDOW_MS = 500

/**
 * What the readers leave out for `cadv stats`, which shows none of it. The table shows no
 * descriptor counts: not worth a readdir per process per refresh (JSON rows carry them). No row
 * shows the I/O scheduler's merges or service times (not worth 4 failed opens a container at
 * start-up on the usual kernel, which has none), the user/system split of CPU time, memory's
 * maximum, failcnt or kernel memory (4 files a container, every refresh), I/O counts (bytes
 * only: 1 file), nor a limit other than memory's (7 files a container at start-up: CPU shares,
 * quota and period, cpuset, memory reservation and swap, pids).
 */
export function statsKindOptions(format: string): KindOptions {
  return {
    processFds: format !== 'table',
    blkioSchedulerStats: false,
    cpuMemoryDetail: false,
    blkioServiced: false,
    specDetail: false,
  }
}

/** How often one answer (--once, --json) looks at the cgroup tree again: see runStats. */
const ONCE_POLL_MS = 60_000

/** Two flags that say opposite things: one line, exit 2. */
export class StatsFlagError extends Error {
  readonly exitCode = 2
}

const count = (items: Iterable<unknown>): number => {
  let n = 0
  for (const _ of items) n++
  return n
}

/** Colour on a terminal unless NO_COLOR is set (no-color.org) or the terminal is dumb. */
export function colourWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR && env.TERM !== 'dumb'
}

export async function runStats(flags: StatsFlags, layout: CgroupLayout, ctx: AppContext): Promise<void> {
  if (flags.json && flags.format !== undefined && flags.format !== 'json')
    throw new StatsFlagError(`--json and --format ${flags.format} contradict each other (--json is --format json)`)
  // --json is one document: it implies --once.
  const format = flags.json ? 'json' : (flags.format ?? 'table')
  const once = flags.once || format === 'json'
  const filterValues = flags.filter ?? []
  const filters = parseFilters(filterValues, FACTORY_ORDER)
  const kinds = new Set<MetricKind>(format === 'table' ? STATS_KINDS : JSON_KINDS)
  const hierarchies = selectHierarchies(layout, controllersForKinds(kinds))
  ctx.note(`watching ${hierarchies.map((h) => `${h.id} at ${h.mountPoint}`).join(', ')}`)
  const interval = flags.interval
  const firstWindow = Math.min(interval, FIRST_WINDOW_MS)
  const depth = flags.depth
  // A terminal gets frames redrawn in place, keys and colour; --once on a terminal gets one
  // table fitted to its width, as plain text that stays in the scrollback.
  const live = format === 'table' && Boolean(ctx.stdout.isTTY) && !once
  const writer = new FrameWriter(ctx.stdout, live)
  const colour = live && colourWanted()
  const manager = createManager({
    layout,
    kinds,
    // The prefix filter is applied here, at the watcher, and depth by `include`: the rows then
    // only filter by factory and label. One answer (--once, --json) waits for no news: an
    // inotify watch on every cgroup directory costs about as much as the first readings (6,000
    // watches at 1,000 containers, 0.25 s of CPU in the profile), so it finds the containers
    // by the same scan and looks again only after a minute, which a loaded host's slow answer
    // may reach but a quick one never does. A cgroup removed meanwhile is read as gone, and
    // shown without rates if it was not read twice.
    watch: {
      hierarchies,
      ...(filters.prefix.length > 0 ? {prefixes: filters.prefix} : {}),
      ...(once ? {backend: 'poll' as const, pollIntervalMs: ONCE_POLL_MS} : {}),
    },
    // A table wants every row fresh each refresh: no back-off, no jitter, and only the two
    // newest samples kept. The second reading comes one first window after the first (the
    // first rates); the waits after it are spread over an interval so a thousand containers
    // found at start-up are not all read in the same instant (one long event-loop stall per
    // refresh).
    housekeeping: {
      intervalMs: interval,
      maxIntervalMs: interval,
      dynamic: false,
      jitterFactor: 0,
      initialSplayFactor: once ? 0 : 1,
      firstIntervalMs: firstWindow,
      // Those two readings take only what rates are made of (CPU time, network and disk bytes;
      // JSON's disk usage, a background walk's result, too), every container's first before
      // anything else; the rest (memory, tasks, the limit) is read once, in between, while the
      // window runs instead of before it opens. Every later refresh reads everything.
      firstCountersFirst: true,
      firstRatesOnly: true,
    },
    store: {maxAgeMs: interval * 3, maxSamples: 3},
    kindOptions: statsKindOptions(format),
    // A container is not looked for in cpuset, hugetlb or a v1 host's unified tree, which those
    // readers never read (2 stats a container at start-up on v1).
    controllers: STATS_CONTROLLERS,
    ...(depth === undefined ? {} : {include: (name: string) => nameDepth(name) <= depth}),
    // Names, factories and labels come from the runtimes; a slow or absent runtime delays only
    // its own containers, which show as pending (never under another identity) until it
    // answers or --runtime-wait passes.
    resolver: createResolver(resolverOptionsFromFlags(flags)),
    runtimeWaitMs: flags['runtime-wait'],
    onNote: (m) => ctx.note(m),
    ...hostNetnsOption(flags, layout, ctx),
    onWarning: (m) => ctx.note(m),
    // On a terminal the table is redrawn in place: the lines are kept under it.
    onReadError: ctx.readErrors((m) => (live ? writer.notice(`cadv stats: warning: ${escapeControl(m)}`) : ctx.warn(m))),
    // Fallbacks must be visible: always, once each. On a terminal the table is redrawn in
    // place, so the line is kept under it instead of being painted over.
    onWatcherWarning: (m) => {
      if (live) writer.notice(`cadv stats: warning: ${escapeControl(m)}`)
      else ctx.warn(m)
    },
  })
  const view: StatsView = {sort: flags.sort as SortKey, tree: flags.tree, all: flags.all, search: ''}
  const keys = live && ctx.stdin?.isTTY ? new StatsKeys(view) : undefined
  const order = new RowOrder()
  const narrowed = filterValues.length > 0 || depth !== undefined
  const empty = emptyStatsMessage(
    layout.cgroupRoot,
    hierarchies.map((h) => h.id),
    narrowed,
  )
  const footer = (): string[] => (keys ? [keys.footer()] : [])
  const startedAt = Date.now()
  const drawTable = (rows: StatsRow[], at: Date, progress: FeedProgress | undefined): void => {
    const head = [
      statsHeader({
        at,
        count: progress ? rows.length : undefined,
        intervalMs: interval,
        sort: view.sort,
        tree: view.tree,
        search: view.search,
      }),
    ]
    const collecting = progress
      ? collectingLine(progress.withoutRates, progress.total, firstWindow)
      : findingLine(count(manager.containers()), Date.now() - startedAt)
    if (collecting) head.push(collecting)
    const waiting = progress === undefined || (rows.length === 0 && progress.withoutRates > 0)
    const body =
      rows.length === 0 && !waiting
        ? [view.search ? `No container matches "${view.search}" (Esc clears the filter).` : empty]
        : statsTableLines(rows, {width: writer.width, noTrunc: flags['no-trunc'], tree: view.tree, sort: view.sort, colour})
    if (rows.some((r) => r.pending !== undefined)) body.push(PENDING_LEGEND)
    writer.draw([...head, ...body].join('\n'), footer())
  }
  const render = (rows: StatsRow[], at: Date, progress: FeedProgress): void => {
    if (format === 'json') {
      ctx.stdout.write(JSON.stringify({time: at.toISOString(), containers: rows}, null, 2) + '\n')
      if (rows.length === 0) ctx.say(empty)
    } else if (format === 'ndjson') {
      if (rows.length === 0) ctx.note(empty)
      for (const r of rows) ctx.stdout.write(JSON.stringify(r) + '\n')
    } else drawTable(rows, at, progress)
  }
  ctx.exitQuietlyOnEpipe(() => manager.stop())
  // Something on the screen at once, and redrawn while the first scan runs: finding the
  // containers can take seconds on a big, busy host, and a frozen clock looks like a hang.
  const finding = live ? setInterval(() => drawTable([], new Date(), undefined), interval) : undefined
  if (live) drawTable([], new Date(), undefined)
  // Containers are read as the scan finds them: their first windows run from then, not from
  // the end of the scan (at 1,000 containers on a loaded host, a few hundred milliseconds).
  const scanStartMs = performance.now()
  try {
    await manager.start()
  } finally {
    clearInterval(finding)
  }
  const hostMemory = hostMemoryBytes(layout.procRoot)
  // One answer: every container found has its runtime's answer first, or waited the whole
  // --runtime-wait (then it is shown from its name, and named on stderr at the end).
  if (once) await manager.settled()
  const feed = startStatsFeed({
    manager,
    intervalMs: interval,
    firstWindowMs: firstWindow,
    firstWindowLeftMs: firstWindow - (performance.now() - scanStartMs),
    once,
    immediate: live,
    query: () => ({filters, sort: view.sort, all: view.all, tree: view.tree, search: view.search, order, hostMemoryBytes: hostMemory}),
    onRows: render,
  })
  let quit!: () => void
  const quitKey = new Promise<void>((r) => (quit = r))
  const release = keys
    ? ctx.readKeys((data) => {
        const r = keys.press(data)
        if (r === 'quit') quit()
        else if (r === 'changed') feed.refresh()
      })
    : () => undefined
  const onResize = (): void => feed.refresh()
  if (live) ctx.stdout.on('resize', onResize)
  try {
    if ((await ctx.untilSignal(Promise.race([feed.done, quitKey]))) !== undefined) feed.stop()
    feed.stop()
    await feed.done
  } finally {
    ctx.stdout.off('resize', onResize)
    release()
    writer.close()
  }
  const unanswered = once ? manager.byName() : []
  await manager.stop()
  failIfUnanswered(ctx, unanswered, flags['runtime-wait'])
}
