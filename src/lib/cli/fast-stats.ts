/*
 * `cadv stats` without oclif: oclif, every command's flag modules and the serve-only parts of
 * the app layer are about 0.15 s of CPU before the first container is read, and the first
 * table is a start-up cost (README, stats benchmark). bin/run.js hands `stats` invocations here
 * first; anything this parser is not sure about (--help, an unknown or repeated flag, a bad
 * value, flags that contradict each other) goes back to oclif, which gives the help and the
 * proper one-line errors. Flags and their meaning are the command's own (src/commands/stats.ts);
 * a test keeps the two lists equal and the two paths' output the same.
 */
import {runStats, type StatsFlags} from '../app/stats.js'
import {SORT_KEYS} from '../output/index.js'
import {FAST_GLOBAL_FLAGS, parseFast, runFast, type FastSpec} from './fast-args.js'
import {FAST_RUNTIME_FLAGS, FAST_RUNTIME_WAIT_FLAG, fastRuntimeValues} from './fast-runtime.js'

/** Every flag of `cadv stats`, global and runtime ones included. */
export const FAST_STATS_FLAGS: Record<string, FastSpec> = {
  ...FAST_GLOBAL_FLAGS,
  ...FAST_RUNTIME_FLAGS,
  ...FAST_RUNTIME_WAIT_FLAG,
  'host-netns': {type: 'string'},
  interval: {type: 'string', duration: {default: '1s', minMs: 100}},
  once: {type: 'boolean', aliases: ['no-stream']},
  json: {type: 'boolean'},
  format: {type: 'string'},
  'no-trunc': {type: 'boolean'},
  sort: {type: 'string'},
  filter: {type: 'string', multiple: true},
  depth: {type: 'string'},
  all: {type: 'boolean', short: 'a'},
  tree: {type: 'boolean'},
}

const FORMATS = ['table', 'json', 'ndjson']

/** The exit status, or undefined when oclif should handle this command line instead. */
export async function fastStats(argv: string[]): Promise<number | undefined> {
  const a = parseFast(argv, FAST_STATS_FLAGS)
  if (a === undefined || a.positionals.length > 0) return undefined
  const v = a.values
  const format = v.format as string | undefined
  if (format !== undefined && !FORMATS.includes(format)) return undefined
  const sort = a.str('sort', 'cpu')
  if (!(SORT_KEYS as readonly string[]).includes(sort)) return undefined
  const depthText = v.depth as string | undefined
  if (depthText !== undefined && !/^\d+$/.test(depthText)) return undefined
  const runtime = await fastRuntimeValues(a)
  if (runtime === undefined) return undefined
  const flags: StatsFlags = {
    ...runtime,
    'runtime-wait': a.ms('runtime-wait')!,
    'host-netns': v['host-netns'] as string | undefined,
    interval: a.ms('interval')!,
    once: v.once === true,
    json: v.json === true,
    format,
    'no-trunc': v['no-trunc'] === true,
    sort,
    filter: v.filter === undefined ? undefined : a.list('filter'),
    depth: depthText === undefined ? undefined : Number(depthText),
    all: v.all === true,
    tree: v.tree === true,
  }
  return runFast('stats', a, (layout, ctx) => runStats(flags, layout, ctx))
}
