import {Flags} from '@oclif/core'

import {nameDepth, selectHierarchies} from '../lib/cgroups/index.js'
import {CadvCommand} from '../lib/cli/base-command.js'
import {durationFlag} from '../lib/cli/duration.js'
import {resolverOptionsFromFlags, runtimeFlags} from '../lib/cli/runtime-flags.js'
import {createResolver} from '../lib/factories/index.js'
import type {MetricKind} from '../lib/kinds.js'
import {createManager} from '../lib/manager.js'
import {FrameWriter} from '../lib/output/screen.js'
import {emptyStatsMessage, renderStatsTable, statsHeader} from '../lib/output/stats-table.js'
import {exitQuietlyOnEpipe} from '../lib/output/stdout.js'
import {hostMemoryBytes, parseFilters, SORT_KEYS, startStatsFeed, type SortKey, type StatsRow} from '../lib/stats/index.js'

/** Only what the table shows is read: no per-CPU, no pressure. */
const STATS_KINDS: readonly MetricKind[] = ['cpu', 'memory', 'diskIO', 'network', 'process']

export default class Stats extends CadvCommand {
  static override summary = 'Live table of CPU, memory, network and block I/O per container.'

  static override description = `Like docker stats and systemd-cgtop, for every cgroup-based container on the host.
CPU % is CPU time over wall time, where 100% is one core fully busy (so a container can show more than 100% on a multi-core host).
MEM USAGE is the working set (usage minus inactive file cache), measured against the container's memory limit, or the host's memory when it has none.
NET I/O and BLOCK I/O are totals since the container started (received / sent, read / written).
On a terminal the table is redrawn in place; piped, successive tables are separated by a blank line.
Idle raw cgroups (no process in them and no CPU used over the interval) and the root cgroup are hidden unless --all is given.
CONTAINER and FACTORY come from the runtimes (docker, podman, containerd, CRI-O, systemd) when they answer; see the runtime options in cadv(1).`

  static override examples = [
    {description: 'Watch every container, refreshed each second', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'One table of docker containers, sorted by memory', command: '<%= config.bin %> <%= command.id %> --once --filter factory=docker --sort mem'},
    {description: 'The busiest containers as JSON, for jq', command: "<%= config.bin %> <%= command.id %> --json | jq '.containers[:3]'"},
    {description: 'One NDJSON line per container every 5 seconds', command: '<%= config.bin %> <%= command.id %> --format ndjson --interval 5s'},
  ]

  static override flags = {
    ...runtimeFlags,
    interval: durationFlag({description: 'Time between refreshes (and between the two readings a rate is computed from).', default: '1s', minMs: 100}),
    once: Flags.boolean({description: 'Print one table after one interval and exit (alias: --no-stream).', aliases: ['no-stream']}),
    json: Flags.boolean({description: 'Print one JSON document {time, containers: [rows]} after one interval and exit; numbers are raw (bytes, percent).'}),
    format: Flags.string({description: 'Output format: table, json (as --json) or ndjson (one line per container per refresh).', options: ['table', 'json', 'ndjson'], default: 'table'}),
    'no-trunc': Flags.boolean({description: 'Show full container names and ids.'}),
    sort: Flags.string({description: 'Order rows by cpu, mem, io (block I/O rate), pids (descending) or name.', options: [...SORT_KEYS], default: 'cpu'}),
    filter: Flags.string({description: 'Only containers matching factory=<name>, prefix=</cgroup/name> or label=<key>[=<value>] (repeatable; same key ORs, different keys AND).', multiple: true}),
    depth: Flags.integer({description: 'Deepest cgroup level shown (/ is 0, /docker 1, /docker/<id> 2).', min: 0}),
    all: Flags.boolean({char: 'a', description: 'Include idle raw cgroups and the root cgroup.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Stats)
    this.verbose = flags.verbose
    const format = flags.json ? 'json' : flags.format
    const once = flags.once || format === 'json'
    const filterValues = flags.filter ?? []
    const filters = parseFilters(filterValues)
    const layout = this.discover(flags)
    const kinds = new Set<MetricKind>(STATS_KINDS)
    const hierarchies = selectHierarchies(layout, kinds)
    this.note(`watching ${hierarchies.map((h) => `${h.id} at ${h.mountPoint}`).join(', ')}`)
    const interval = flags.interval
    const depth = flags.depth
    const writer = new FrameWriter(process.stdout)
    const manager = createManager({
      layout,
      kinds,
      watch: {hierarchies, ...(filters.prefix.length > 0 ? {prefixes: filters.prefix} : {})},
      // A table wants every row fresh each refresh: no back-off, no jitter, and only the two
      // newest samples kept.
      // The first waits are spread over an interval so a thousand containers found at start-up
      // are not all read in the same instant (one long event-loop stall per refresh).
      housekeeping: {intervalMs: interval, maxIntervalMs: interval, dynamic: false, jitterFactor: 0, initialSplayFactor: once ? 0 : 1},
      store: {maxAgeMs: interval * 3, maxSamples: 3},
      ...(depth === undefined ? {} : {include: (name: string) => nameDepth(name) <= depth}),
      // Names, factories and labels come from the runtimes; a slow or absent runtime delays only
      // its own containers (and makes them raw after its timeout).
      resolver: createResolver(resolverOptionsFromFlags(flags)),
      onWarning: (m) => this.note(m),
      // Fallbacks must be visible (DESIGN): always, once each. On a terminal the table is
      // redrawn in place, so the line is kept under it instead of being painted over.
      onWatcherWarning: (m) => {
        const line = `cadv stats: warning: ${m}`
        if (format === 'table' && writer.tty) writer.notice(line)
        else process.stderr.write(line + '\n')
      },
    })
    const sort = flags.sort as SortKey
    const narrowed = filterValues.length > 0 || depth !== undefined
    const empty = emptyStatsMessage(layout.cgroupRoot, hierarchies.map((h) => h.id), narrowed)
    const render = (rows: StatsRow[], at: Date): void => {
      if (format === 'json') {
        process.stdout.write(JSON.stringify({time: at.toISOString(), containers: rows}, null, 2) + '\n')
        if (rows.length === 0) process.stderr.write(empty + '\n')
      } else if (format === 'ndjson') {
        if (rows.length === 0) this.note(empty)
        for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n')
      } else {
        const body = rows.length === 0 ? empty : renderStatsTable(rows, flags['no-trunc'])
        writer.draw(`${statsHeader(at, rows.length, interval, sort)}\n${body}`)
      }
    }
    exitQuietlyOnEpipe(() => manager.stop())
    await manager.start()
    const feed = startStatsFeed({
      manager,
      intervalMs: interval,
      once,
      query: {filters, sort, all: flags.all, hostMemoryBytes: hostMemoryBytes(layout.procRoot), ...(depth === undefined ? {} : {maxDepth: depth})},
      onRows: render,
    })
    const quit = (): void => feed.stop()
    process.once('SIGINT', quit)
    process.once('SIGTERM', quit)
    await feed.done
    process.off('SIGINT', quit)
    process.off('SIGTERM', quit)
    writer.close()
    await manager.stop()
  }
}
