/*
 * The whole of `cadv resolve` once its flags are parsed: read the inputs in order, resolve
 * them with bounded concurrency, print each answer as it is ready, and work out the exit
 * status. Shared by the oclif command and the oclif-free fast path (cli/fast-resolve.ts).
 */
import type {CgroupLayout} from '../cgroups/index.js'
import {createResolver, type ResolverOptionsInput} from '../factories/index.js'
// A leaf import, not output/index.ts: `cadv resolve` start-up must not load the table code.
import {decisionJson, formatDecision, type DecisionExtras} from '../output/decision.js'
import {escapeControl} from '../util/index.js'
import type {AppContext} from './context.js'
import {resolverOptionsFromFlags, type RuntimeFlagValues} from './options.js'
import {classify, fileLines, lines, type InputItem} from './resolve-input.js'
import {decisionPasses, resolveInOrder} from './resolve-order.js'

export interface ResolveRun {
  /** Arguments: names, paths, or `-` for stdin. */
  inputs: string[]
  /** --from FILE (`-` = stdin). */
  from?: string
  json: boolean
  expect: string[]
  options: ResolverOptionsInput
  /** The cgroup layout, asked for only when an input is a path. */
  layout: () => CgroupLayout
  stdin?: NodeJS.ReadableStream & AsyncIterable<unknown>
  out?: (text: string) => void
  err?: (text: string) => void
}

export interface ResolveOutcome {
  /** 0 all passed, 1 some ignored or not the expected factory, 2 some bad input. */
  code: 0 | 1 | 2
  failed: number
  bad: number
}

const FROM = Symbol('from')

export async function runResolve(r: ResolveRun): Promise<ResolveOutcome> {
  const out = r.out ?? ((t: string) => void process.stdout.write(t))
  const err = r.err ?? ((t: string) => void process.stderr.write(t))
  const stdin = r.stdin ?? process.stdin
  const resolver = createResolver(r.options)

  async function* inputs(): AsyncGenerator<InputItem> {
    const sources: (string | typeof FROM)[] = [...r.inputs]
    if (r.from !== undefined) sources.push(FROM)
    for (const a of sources) {
      if (a === '-' || (a === FROM && r.from === '-')) {
        for await (const l of lines(stdin as import('node:stream').Readable)) yield classify(l, r.layout)
      } else if (a === FROM) {
        for await (const l of fileLines(r.from!)) yield classify(l, r.layout)
      } else yield classify(a, r.layout)
    }
  }

  let bad = 0
  let failed = 0
  try {
    await resolveInOrder(resolver, inputs(), ({item, decision, info}) => {
      if (!decision) {
        bad++
        err(`cadv resolve: ${escapeControl(`${item.text}: ${'error' in item ? item.error : 'bad input'}`)}\n`)
        return
      }
      if (!decisionPasses(decision, r.expect)) failed++
      const extras: DecisionExtras = {}
      if (info?.aliases[0] !== undefined) extras.alias = info.aliases[0]
      if (info?.image) extras.image = info.image
      if ('note' in item && item.note) extras.note = item.note
      out(r.json ? decisionJson(decision, extras) + '\n' : formatDecision(decision, extras))
    })
  } finally {
    resolver.close()
  }
  return {code: bad > 0 ? 2 : failed > 0 ? 1 : 0, failed, bad}
}

export interface ResolveFlags extends RuntimeFlagValues {
  json: boolean
  offline: boolean
  expect: string[]
  from?: string
}

/** No name given at all: one line, exit 2. */
export class NoInputError extends Error {
  readonly exitCode = 2
}

/**
 * `cadv resolve` as a command: the oclif command and the fast path both end here, so their
 * output, notes and exit status are the same. Returns the exit status.
 */
export async function resolveCommand(
  inputs: string[],
  flags: ResolveFlags,
  layout: () => CgroupLayout,
  ctx: AppContext,
  cgroupRootGiven = false,
): Promise<number> {
  if (inputs.length === 0 && flags.from === undefined)
    throw new NoInputError('give at least one cgroup name, a path, or - to read names from stdin')
  // An explicit --cgroup-root that cannot be read is an error at once, as for every command;
  // otherwise the cgroups are looked at only when an input needs them (CI without cgroups).
  if (cgroupRootGiven) layout()
  ctx.exitQuietlyOnEpipe()
  const {code, failed} = await runResolve({
    inputs,
    from: flags.from,
    json: flags.json,
    expect: flags.expect,
    options: resolverOptionsFromFlags(flags, {offline: flags.offline}),
    layout,
  })
  if (failed > 0) ctx.note(`${failed} name(s) not accepted${flags.expect.length > 0 ? ` by ${flags.expect.join(' or ')}` : ''}`)
  return code
}
