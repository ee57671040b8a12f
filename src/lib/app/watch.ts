/*
 * `cadv watch`: container events as NDJSON, optionally with the runtime that owns each
 * container. All of the command's policy is here: which hierarchies, which backend, what
 * --once means, and what -v says.
 */
import {invalidNameReason, isUnder, selectHierarchies, type CgroupLayout} from '../cgroups/index.js'
import type {MonitorEvent} from '../events/index.js'
import {
  CONTAINER_EVENT_TYPES,
  makeEvent,
  makeOomEvent,
  type ContainerEvent,
  type ContainerEventType,
  type Resolution,
} from '../model/index.js'
// Two leaf modules rather than their layers: `cadv watch --once` is a start-up cost, and the
// output and stats layers load the table code and every metric kind (docs/ARCHITECTURE.md,
// "Fast path"). The resolver, the annotator and the OOM monitor are imported when used.
import {ndjsonWriter} from '../output/ndjson.js'
import {DEFAULT_KIND_CONTROLLERS} from '../stats/kinds/default-controllers.js'
// --once needs only the scan: the watcher, its tree and the inotify code load for a live watch.
import {scanHierarchies} from '../watch/scan.js'
import type {WatchBackendName} from '../watch/types.js'
import type {AppContext} from './context.js'
import {preferSmallHeap} from './heap.js'
import {failIfUnanswered, type RuntimeWaitFlagValues} from './runtime-wait.js'
import type {RuntimeFlagValues} from './options.js'

export interface WatchFlags extends RuntimeFlagValues, RuntimeWaitFlagValues {
  resolve: boolean
  'kubelet-labels'?: boolean
  once: boolean
  'watch-only': boolean
  prefix?: string[]
  hierarchy?: string[]
  'watch-backend': string
  'rescan-interval': number
  'poll-interval': number
  /** Which lines to print (default all four types). */
  type?: string[]
}

/** A --prefix that cannot be a container name: one line, exit 2. */
export class PrefixError extends Error {
  readonly exitCode = 2
}

/** --verbose: why a container was ignored, and each runtime that could not be asked (once). */
function explainer(ctx: AppContext): (r: Resolution) => void {
  const unreachable = new Set<string>()
  return (r) => {
    if (!ctx.verbose) return
    const winner = r.decision.checks.at(-1)
    if (winner && !r.decision.accepted) ctx.note(`${r.decision.name}: ignored by ${winner.factory}: ${winner.reason}`)
    for (const c of r.decision.checks) {
      if (c.unreachable && !unreachable.has(c.factory)) {
        unreachable.add(c.factory)
        ctx.note(`${c.factory}: ${c.reason}; its containers fall through to the next factory`)
      }
    }
  }
}

/** An OOM event of the events layer as a `cadv watch` line. */
export function oomLine(e: MonitorEvent): ContainerEvent {
  const type = e.type === 'oom' ? 'OOM' : 'OOMKill'
  // A counter saw the kill, not the log: there is no pid or process to show.
  const fromLog = e.source === 'kmsg'
  return makeOomEvent(type, e.name, e.timeMs, fromLog ? 'kmsg' : 'cgroup', fromLog ? e.oom : undefined)
}

/** What `--resolve` needs: the resolver, the annotator and the runtime flags' translation. */
async function resolvingModules() {
  const [factories, manager, options] = await Promise.all([
    import('../factories/index.js'),
    import('../manager/index.js'),
    import('./options.js'),
  ])
  return {factories, manager, options}
}

export async function runWatch(flags: WatchFlags, layout: CgroupLayout, ctx: AppContext): Promise<void> {
  for (const p of flags.prefix ?? []) {
    const why = invalidNameReason(p)
    if (why) throw new PrefixError(`--prefix ${p}: ${why}`)
  }
  const types = new Set<string>(flags.type?.length ? flags.type : CONTAINER_EVENT_TYPES)
  const wanted = (t: ContainerEventType): boolean => types.has(t)
  const prefixes = flags.prefix ?? []
  const underPrefix = (name: string): boolean => prefixes.length === 0 || prefixes.some((p) => isUnder(name, p))
  const hierarchies = selectHierarchies(layout, DEFAULT_KIND_CONTROLLERS, flags.hierarchy ?? [])
  // --once lists what exists and exits: a scan is all it needs, no watch is worth setting up.
  const backend = flags['watch-backend'] as WatchBackendName
  ctx.note(`watching ${hierarchies.map((h) => `${h.id} (${h.mountPoint})`).join(', ')} with ${flags.once ? 'one scan' : backend}`)

  const out = ndjsonWriter<ContainerEvent>(ctx.stdout)
  const resolving = flags.resolve ? await resolvingModules() : undefined
  const resolver = resolving?.factories.createResolver(resolving.options.resolverOptionsFromFlags(flags))
  const kube = flags['kubelet-labels'] ? (await import('./watch-kubernetes.js')).kubeletEventFields() : undefined
  const annotator =
    resolving && resolver
      ? resolving.manager.annotateEvents(resolver, (e) => out.write(kube ? kube(e) : e), {
          onDecision: explainer(ctx),
          onError: (err) => ctx.warn(`cannot write an event: ${(err as Error).message}`),
          waitMs: flags['runtime-wait'],
          warn: (m) => ctx.warn(m),
          note: (m) => ctx.note(m),
        })
      : undefined
  const print = (e: ContainerEvent): void => (annotator ? annotator.push(e) : out.write(e))
  if (flags.once) {
    ctx.exitQuietlyOnEpipe(async () => {
      await annotator?.drain()
      annotator?.close()
      resolver?.close()
    })
    // What exists now, from one scan: a Watcher's bookkeeping is for changes, and costs more
    // than the scan itself at 2,000 cgroups (README, watch benchmark). Same names, same order.
    const names = scanHierarchies(hierarchies, prefixes).keys()
    const adds = wanted('ContainerAdd') ? Array.from(names, (name) => makeEvent('ContainerAdd', name, true)) : []
    if (annotator) for (const e of adds) annotator.push(e)
    else out.writeAll(adds)
    // Each add waited for its runtime (at most --runtime-wait): say which never answered.
    await annotator?.drain()
    const unanswered = annotator?.byName() ?? []
    annotator?.close()
    resolver?.close()
    failIfUnanswered(ctx, unanswered, flags['runtime-wait'])
    return
  }
  const {countInotifyWatches, createWatcher} = await import('../watch/index.js')
  const watcher = createWatcher({
    hierarchies,
    backend,
    prefixes: flags.prefix ?? [],
    rescanIntervalMs: flags['rescan-interval'],
    pollIntervalMs: flags['poll-interval'],
    onWarning: (m) => ctx.warn(m),
  })
  const oom =
    wanted('OOM') || wanted('OOMKill')
      ? new (await import('../events/index.js')).OomMonitor({
          layout,
          names: () => watcher.names,
          onEvent: (e) => {
            const line = oomLine(e)
            if (wanted(line.type) && underPrefix(line.name)) print(line)
          },
          onWarning: (m) => ctx.warn(m),
        })
      : undefined
  const stop = async (): Promise<void> => {
    oom?.stop()
    await watcher.stop()
    await annotator?.drain()
    annotator?.close()
    resolver?.close()
  }
  ctx.exitQuietlyOnEpipe(stop)
  watcher.on('event', (e) => {
    // What was there at start predates the monitor; anything added later is new.
    if (e.type === 'ContainerAdd') oom?.added(e.name, e.initial ? undefined : e.timeNano / 1e6)
    if (!(e.initial && flags['watch-only']) && wanted(e.type)) print(e)
  })
  // The kernel log first: an OOM kill while the first listing is read is news too.
  oom?.start()
  await watcher.start()
  // A daemon that holds a few MB for weeks: V8's memory-saving mode (app/heap.ts) keeps its heap
  // near what is alive. Without it the first ordinary full collection, minutes in, let the heap
  // grow to twice the live 7 MB and RSS stepped up 5 MiB for good (README, the long run).
  if (preferSmallHeap()) ctx.note('V8 memory-saving mode on (node --no-optimize-for-size turns it off)')
  const s = watcher.stats()
  ctx.note(`${watcher.names.size} containers, ${s.directories} directories, ${s.polled} polled, ${countInotifyWatches()} inotify watches`)
  await ctx.untilSignal()
  await stop().catch((err: unknown) => ctx.warn(`while stopping: ${(err as Error).message}`))
  // Everything is closed and written: a native watcher (parcel's threads) that still holds the
  // event loop must not keep a stopped cadv watch alive (seen: orphans holding 80,000 watches).
  setTimeout(() => process.exit(), 2000).unref()
}
