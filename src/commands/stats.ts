import {Flags} from '@oclif/core'

import {runStats} from '../lib/app/index.js'
import {CadvCommand, durationFlag, netnsFlags, runtimeFlags, runtimeWaitFlags} from '../lib/cli/index.js'
import {SORT_KEYS} from '../lib/output/index.js'

export default class Stats extends CadvCommand {
  static override summary = 'Live table of CPU, memory, network and block I/O per container.'

  static override description = `Like docker stats and systemd-cgtop, for every cgroup-based container on the host: CPU % (100% is one core), the working set against the memory limit, network and block I/O totals, and PIDS.

On a terminal the table fits the window, is redrawn in place every interval and takes keys: q quits; c, m, i, p and n sort by CPU, memory, I/O, pids or name; t toggles the tree; a toggles --all; / filters by name (Enter keeps the filter, Esc clears it). Off a terminal, and with --once, tables are plain text, whole.

Only leaves of the cgroup tree show (a parent counts its children again) unless --tree or --all; idle raw cgroups and the root are hidden unless --all.`

  static override examples = [
    {description: 'Watch every container, refreshed each second', command: '<%= config.bin %> <%= command.id %>'},
    {
      description: 'One table of docker containers, sorted by memory',
      command: '<%= config.bin %> <%= command.id %> --once --filter factory=docker --sort mem',
    },
    {description: 'The busiest containers as JSON, for jq', command: "<%= config.bin %> <%= command.id %> --json | jq '.containers[:3]'"},
    {
      description: 'One NDJSON line per container every 5 seconds',
      command: "<%= config.bin %> <%= command.id %> --format ndjson --interval 5s | jq -c '{name, cpuPercent}'",
    },
    {description: 'The cgroup tree of one slice', command: '<%= config.bin %> <%= command.id %> --tree --filter prefix=/system.slice'},
  ]

  static override flags = {
    ...runtimeFlags,
    ...runtimeWaitFlags,
    ...netnsFlags,
    interval: durationFlag({
      summary: 'Time between refreshes.',
      description:
        'Time between refreshes, and between the two readings each rate is computed from (at least 100ms). The first rates come sooner, from two readings half a second apart (or one interval, if shorter): still per second. Those two take only CPU time and network and disk bytes; the memory and PIDS of that first table are read once, in between.',
      default: '1s',
      minMs: 100,
    }),
    once: Flags.boolean({
      summary: 'Print the first table with rates and exit.',
      description:
        "Print the first table with rates (from two readings half a second apart, or `--interval` apart if shorter) and exit, once every container found has its runtime's answer (at most `--runtime-wait`; those still without one are named on stderr and the exit status is 3). On a terminal it is fitted to the width, as plain text: nothing is cleared or cut by height, so it stays in the scrollback.",
      aliases: ['no-stream'],
    }),
    json: Flags.boolean({
      summary: 'Print one JSON document of raw numbers and exit.',
      description:
        'Print one JSON document `{"time": ..., "containers": [rows]}` and exit, with rates from the first half second (as `--once`). Values are raw numbers (bytes, percent), never display strings; the fields are listed under JSON FIELDS.',
    }),
    format: Flags.string({
      summary: 'table (the default), json (as --json), or ndjson: one line per container per refresh.',
      description:
        'Output format: `table` (the default), `json` (as `--json`), or `ndjson`: one JSON line per container per refresh, for `jq`. `--json` with another `--format` is refused.',
      options: ['table', 'json', 'ndjson'],
    }),
    'no-trunc': Flags.boolean({
      summary: 'Full container names and ids, however wide.',
      description: 'Show full container names and 64-character ids, however wide the terminal.',
    }),
    sort: Flags.string({
      summary: 'Row order: cpu, mem, io (block I/O rate) or pids, largest first; or name.',
      description:
        'Row order: CPU, working set, block I/O rate or pids, largest first; or name. Values within about 25% of each other tie (then the name decides), so rows do not jump about on noise.',
      options: [...SORT_KEYS],
      default: 'cpu',
    }),
    filter: Flags.string({
      summary: 'Only containers with factory=<name>, prefix=</cgroup/name> or label=<key>[=<value>] (repeatable).',
      description:
        'Only containers with `factory=<name>`, `prefix=</cgroup/name>` or `label=<key>[=<value>]` (repeatable; the same key ORs, different keys AND). A factory that does not exist is refused.',
      multiple: true,
      helpValue: '<key=value>',
    }),
    depth: Flags.integer({
      summary: 'Deepest cgroup level tracked (/ is 0, /docker 1, /docker/<id> 2).',
      description: 'Deepest cgroup level tracked: `/` is 0, `/docker` 1, `/docker/<id>` 2. `--depth 1` shows one row per top-level slice.',
      min: 0,
      helpValue: '<n>',
    }),
    all: Flags.boolean({
      char: 'a',
      summary: 'Every cgroup: idle ones, the root and parents too (key a).',
      description: 'Show every cgroup: idle raw cgroups, the root and parents of other rows too (key `a`).',
    }),
    tree: Flags.boolean({
      summary: 'The cgroup tree, each parent above its children (key t).',
      description:
        'Show the cgroup tree, each row indented under its parent and siblings in sort order (key `t`). Without it only leaves show, so nothing is counted twice.',
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Stats)
    await runStats(flags, this.discover(flags), this.context(flags))
  }
}
