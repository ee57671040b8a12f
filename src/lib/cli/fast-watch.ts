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
import {WATCH_BACKENDS} from '../watch/types.js'
import {FAST_GLOBAL_FLAGS, parseFast, runFast, type FastSpec} from './fast-args.js'
import {FAST_RUNTIME_FLAGS, FAST_RUNTIME_WAIT_FLAG, fastRuntimeValues} from './fast-runtime.js'

/** Every flag of `cadv watch`, global and runtime ones included. */
export const FAST_WATCH_FLAGS: Record<string, FastSpec> = {
  ...FAST_GLOBAL_FLAGS,
  ...FAST_RUNTIME_FLAGS,
  ...FAST_RUNTIME_WAIT_FLAG,
  'kubelet-labels': {type: 'boolean'},
  resolve: {type: 'boolean'},
  once: {type: 'boolean'},
  type: {type: 'string', multiple: true},
  'watch-only': {type: 'boolean'},
  prefix: {type: 'string', multiple: true},
  hierarchy: {type: 'string', multiple: true},
  'watch-backend': {type: 'string'},
  'rescan-interval': {type: 'string', duration: {default: '60s'}},
  'poll-interval': {type: 'string', duration: {default: '1s', minMs: 10}},
}

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
  const runtime = await fastRuntimeValues(a)
  if (runtime === undefined) return undefined
  const flags: WatchFlags = {
    ...runtime,
    'runtime-wait': a.ms('runtime-wait')!,
    resolve: v.resolve === true,
    'kubelet-labels': v['kubelet-labels'] === true,
    once: v.once === true,
    'watch-only': v['watch-only'] === true,
    prefix: v.prefix === undefined ? undefined : a.list('prefix'),
    hierarchy: v.hierarchy === undefined ? undefined : a.list('hierarchy'),
    'watch-backend': backend,
    'rescan-interval': a.ms('rescan-interval')!,
    'poll-interval': a.ms('poll-interval')!,
    type: types.length === 0 ? undefined : types,
  }
  return runFast('watch', a, (layout, ctx) => runWatch(flags, layout, ctx))
}
