import {Flags} from '@oclif/core'

import {runStats} from '../lib/app/index.js'
import {CadvCommand, durationFlag, runtimeFlags} from '../lib/cli/index.js'
import {SORT_KEYS} from '../lib/output/index.js'

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
    {
      description: 'One table of docker containers, sorted by memory',
      command: '<%= config.bin %> <%= command.id %> --once --filter factory=docker --sort mem',
    },
    {description: 'The busiest containers as JSON, for jq', command: "<%= config.bin %> <%= command.id %> --json | jq '.containers[:3]'"},
    {
      description: 'One NDJSON line per container every 5 seconds',
      command: '<%= config.bin %> <%= command.id %> --format ndjson --interval 5s',
    },
  ]

  static override flags = {
    ...runtimeFlags,
    interval: durationFlag({
      description: 'Time between refreshes (and between the two readings a rate is computed from).',
      default: '1s',
      minMs: 100,
    }),
    once: Flags.boolean({description: 'Print one table after one interval and exit (alias: --no-stream).', aliases: ['no-stream']}),
    json: Flags.boolean({
      description: 'Print one JSON document {time, containers: [rows]} after one interval and exit; numbers are raw (bytes, percent).',
    }),
    format: Flags.string({
      description: 'Output format: table (the default), json (as --json) or ndjson (one line per container per refresh).',
      options: ['table', 'json', 'ndjson'],
    }),
    'no-trunc': Flags.boolean({description: 'Show full container names and ids.'}),
    sort: Flags.string({
      description: 'Order rows by cpu, mem, io (block I/O rate), pids (descending) or name.',
      options: [...SORT_KEYS],
      default: 'cpu',
    }),
    filter: Flags.string({
      description:
        'Only containers matching factory=<name>, prefix=</cgroup/name> or label=<key>[=<value>] (repeatable; same key ORs, different keys AND).',
      multiple: true,
    }),
    depth: Flags.integer({description: 'Deepest cgroup level shown (/ is 0, /docker 1, /docker/<id> 2).', min: 0}),
    all: Flags.boolean({char: 'a', description: 'Every cgroup: idle raw cgroups, the root and parents too (key a).'}),
    tree: Flags.boolean({
      description:
        'Show the cgroup tree, each parent above its children (key t); by default only leaves show, so nothing is counted twice.',
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Stats)
    await runStats(flags, this.discover(flags), this.context(flags))
  }
}
