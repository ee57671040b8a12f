import {Flags} from '@oclif/core'

import {invalidNameReason, selectHierarchies} from '../lib/cgroups/index.js'
import {CadvCommand} from '../lib/cli/base-command.js'
import {durationFlag} from '../lib/cli/duration.js'
import {resolverOptionsFromFlags, runtimeFlags} from '../lib/cli/runtime-flags.js'
import {createResolver, resolveEvents, type Resolution} from '../lib/factories/index.js'
import {resolveKinds} from '../lib/kinds.js'
import {ndjsonWriter} from '../lib/output/ndjson.js'
import {exitQuietlyOnEpipe} from '../lib/output/stdout.js'
import {WATCH_BACKENDS, countInotifyWatches, createWatcher, type ContainerEvent, type WatchBackendName} from '../lib/watch/index.js'

export default class Watch extends CadvCommand {
  static override summary = 'Stream ContainerAdd/ContainerDelete events as NDJSON.'

  static override description = `Lists the containers (cgroups) that exist now, one ContainerAdd line each with "initial": true, then prints one line per container created or removed, as it happens, until interrupted. A container is reported once however many cgroup hierarchies carry it, and deleted when it is gone from all of them.

Changes are seen through one inotify watch per cgroup directory; a full rescan every --rescan-interval repairs anything the kernel's event queue dropped. Past the inotify watch limit the unwatched directories are polled instead, with one warning on stderr.

Each line: {"type":"ContainerAdd"|"ContainerDelete","name":"/docker/<id>","time":"<RFC 3339>","timeNano":<int>,"source":"raw","initial":<bool>}`

  static override examples = [
    {description: 'Follow container events, pretty-printed', command: '<%= config.bin %> <%= command.id %> | jq .'},
    {description: 'The containers that exist now, then exit', command: '<%= config.bin %> <%= command.id %> --once | jq -r .name'},
    {description: 'Only Docker containers, changes only', command: '<%= config.bin %> <%= command.id %> --prefix /docker --watch-only'},
    {description: 'Watch the cgroup v2 tree of a hybrid host', command: '<%= config.bin %> <%= command.id %> --hierarchy unified'},
    {description: 'Say which runtime owns each container, with its name, image and labels', command: '<%= config.bin %> <%= command.id %> --resolve | jq -c \'{type, name, factory, alias, image}\''},
    {description: 'Without inotify: rescan every 2 seconds', command: '<%= config.bin %> <%= command.id %> --watch-backend poll --poll-interval 2s'},
  ]

  static override flags = {
    ...runtimeFlags,
    resolve: Flags.boolean({
      description: 'Add the runtime that owns each container (factory, id, alias, image, labels), asked once per container; events keep their order.',
    }),
    once: Flags.boolean({description: 'Print the existing containers and exit.', exclusive: ['watch-only']}),
    'watch-only': Flags.boolean({description: 'Skip the list of existing containers; print changes only.'}),
    prefix: Flags.string({description: 'Only containers at or under this name, e.g. /docker (repeatable).', multiple: true, helpValue: '<name>'}),
    hierarchy: Flags.string({
      description: 'Hierarchy to watch, by id (cpu,cpuacct, unified, systemd) or by a controller it carries (repeatable). Default: those the default metric kinds need, as cAdvisor does.',
      multiple: true,
      helpValue: '<id>',
    }),
    'watch-backend': Flags.string({
      description: 'How changes are seen: inotify (fs.watch per directory), parcel (@parcel/watcher, opt-in) or poll (rescans only).',
      options: [...WATCH_BACKENDS],
      default: 'inotify',
    }),
    'rescan-interval': durationFlag({
      description: 'Full rescan that reports what events missed (0 turns it off).',
      default: '60s',
    }),
    'poll-interval': durationFlag({
      description: 'How often directories without a watch are re-read (poll backend, or past the watch limit).',
      default: '1s',
      minMs: 10,
    }),
  }

  /** --verbose: why a container was ignored, and each runtime that could not be asked (once). */
  private readonly unreachable = new Set<string>()
  private explain(r: Resolution): void {
    if (!this.verbose) return
    const winner = r.decision.checks.at(-1)
    if (winner && !r.decision.accepted) this.note(`${r.decision.name}: ignored by ${winner.factory}: ${winner.reason}`)
    for (const c of r.decision.checks) {
      if (c.reason.startsWith('unreachable: ') && !this.unreachable.has(c.factory)) {
        this.unreachable.add(c.factory)
        this.note(`${c.factory}: ${c.reason}; its containers fall through to the next factory`)
      }
    }
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Watch)
    this.verbose = flags.verbose
    for (const p of flags.prefix ?? []) {
      const why = invalidNameReason(p)
      if (why) throw Object.assign(new Error(`--prefix ${p}: ${why}`), {exitCode: 2})
    }
    const layout = this.discover(flags)
    const hierarchies = selectHierarchies(layout, resolveKinds(), flags.hierarchy ?? [])
    const backend = (flags.once ? 'poll' : flags['watch-backend']) as WatchBackendName
    this.note(`watching ${hierarchies.map((h) => `${h.id} (${h.mountPoint})`).join(', ')} with ${backend}`)

    const out = ndjsonWriter<ContainerEvent>()
    // The one place events become output; --resolve enriches them here, in order.
    const resolver = flags.resolve ? createResolver(resolverOptionsFromFlags(flags)) : undefined
    const warn = (m: string): void => void process.stderr.write(`cadv watch: warning: ${m}\n`)
    const enricher = resolver
      ? resolveEvents(resolver, (e) => out.write(e), (r) => this.explain(r), (err) => warn(`cannot write an event: ${(err as Error).message}`))
      : undefined
    const print = (e: ContainerEvent): void => (enricher ? enricher.push(e) : out.write(e))
    const watcher = createWatcher({
      hierarchies,
      backend,
      prefixes: flags.prefix ?? [],
      rescanIntervalMs: flags['rescan-interval'],
      pollIntervalMs: flags['poll-interval'],
      onWarning: warn,
    })
    const stop = async (): Promise<void> => {
      await watcher.stop()
      await enricher?.drain()
      resolver?.close()
    }
    exitQuietlyOnEpipe(stop)
    watcher.on('event', (e) => {
      if (!(e.initial && flags['watch-only'])) print(e)
    })
    await watcher.start()
    if (flags.once) {
      await stop()
      return
    }
    const s = watcher.stats()
    this.note(`${watcher.names.size} containers, ${s.directories} directories, ${s.polled} polled, ${countInotifyWatches()} inotify watches`)
    await new Promise<void>((resolve) => {
      const onSignal = (): void => {
        stop()
          .catch((err: unknown) => warn(`while stopping: ${(err as Error).message}`))
          .finally(resolve)
      }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
    })
  }
}
