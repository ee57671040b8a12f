/*
 * `cadv watch` without oclif: loading @oclif/core and every command's flag modules costs more
 * than the rest of `cadv watch --once` on a host of 2,000 cgroups (README, watch benchmark).
 * bin/run.js hands `watch` invocations here first; anything this parser is not sure about
 * (--help, an unknown or repeated flag, a bad value, flags that exclude or need each other)
 * goes back to oclif, which gives the help and the proper one-line errors. Flags and their
 * meaning are the command's own (src/commands/watch.ts); a test keeps the two lists equal and
 * the two paths' output the same.
 */
import {runWatch, type WatchFlags} from '../app/watch.js'
import {CONTAINER_EVENT_TYPES} from '../model/index.js'
import {parseDuration} from '../util/index.js'
import {WATCH_BACKENDS} from '../watch/index.js'
import {FAST_GLOBAL_FLAGS, parseFast, runFast, type FastSpec} from './fast-args.js'
import {FAST_RUNTIME_FLAGS, fastRuntimeValues} from './fast-runtime.js'

/** Every flag of `cadv watch`, global and runtime ones included. */
export const FAST_WATCH_FLAGS: Record<string, FastSpec> = {
  ...FAST_GLOBAL_FLAGS,
  ...FAST_RUNTIME_FLAGS,
  'runtime-wait': {type: 'string'},
  'kubelet-labels': {type: 'boolean'},
  resolve: {type: 'boolean'},
  once: {type: 'boolean'},
  type: {type: 'string', multiple: true},
  'watch-only': {type: 'boolean'},
  prefix: {type: 'string', multiple: true},
  hierarchy: {type: 'string', multiple: true},
  'watch-backend': {type: 'string'},
  'rescan-interval': {type: 'string'},
  'poll-interval': {type: 'string'},
}

/** The defaults of the command's duration flags, with their limits (src/commands/watch.ts, cli/runtime-wait-flags.ts). */
const DURATIONS = {
  'runtime-wait': {default: '30s', minMs: 0},
  'rescan-interval': {default: '60s', minMs: undefined},
  'poll-interval': {default: '1s', minMs: 10},
} as const

/** The exit status, or undefined when oclif should handle this command line instead. */
export async function fastWatch(argv: string[]): Promise<number | undefined> {
  const a = parseFast(argv, FAST_WATCH_FLAGS)
  if (a === undefined || a.positionals.length > 0) return undefined
  const v = a.values
  if (v.once === true && v['watch-only'] === true) return undefined
  if (v['kubelet-labels'] === true && v.resolve !== true) return undefined
  const types = a.list('type').flatMap((t) => t.split(','))
  if (types.some((t) => !(CONTAINER_EVENT_TYPES as readonly string[]).includes(t))) return undefined
  const backend = a.str('watch-backend', 'inotify')
  if (!(WATCH_BACKENDS as readonly string[]).includes(backend)) return undefined
  const ms: Partial<Record<keyof typeof DURATIONS, number>> = {}
  try {
    for (const [k, d] of Object.entries(DURATIONS) as Array<[keyof typeof DURATIONS, (typeof DURATIONS)[keyof typeof DURATIONS]]>) {
      ms[k] = parseDuration(a.str(k, d.default), {minMs: d.minMs})
    }
  } catch {
    return undefined
  }
  const runtime = await fastRuntimeValues(a)
  if (runtime === undefined) return undefined
  const flags: WatchFlags = {
    ...runtime,
    'runtime-wait': ms['runtime-wait']!,
    resolve: v.resolve === true,
    'kubelet-labels': v['kubelet-labels'] === true,
    once: v.once === true,
    'watch-only': v['watch-only'] === true,
    prefix: v.prefix === undefined ? undefined : a.list('prefix'),
    hierarchy: v.hierarchy === undefined ? undefined : a.list('hierarchy'),
    'watch-backend': backend,
    'rescan-interval': ms['rescan-interval']!,
    'poll-interval': ms['poll-interval']!,
    type: types.length === 0 ? undefined : types,
  }
  return runFast('watch', a, (layout, ctx) => runWatch(flags, layout, ctx))
}
