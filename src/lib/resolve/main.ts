/*
 * The whole of `cadv resolve` once its flags are parsed: read the inputs in order, resolve
 * them with bounded concurrency, print each answer as it is ready, and work out the exit
 * status. Shared by the oclif command and the oclif-free fast path (src/lib/cli/fast-resolve.ts).
 */
import type {CgroupLayout} from '../cgroups/index.js'
import {createResolver, type ResolverOptionsInput} from '../factories/index.js'
import {formatDecision} from '../output/decision.js'
import {classify, fileLines, lines, type InputItem} from './input.js'
import {decisionPasses, resolveInOrder} from './run.js'

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
    await resolveInOrder(resolver, inputs(), ({item, decision}) => {
      if (!decision) {
        bad++
        err(`cadv resolve: ${item.text}: ${'error' in item ? item.error : 'bad input'}\n`)
        return
      }
      if (!decisionPasses(decision, r.expect)) failed++
      out(r.json ? JSON.stringify(decision) + '\n' : formatDecision(decision))
    })
  } finally {
    resolver.close()
  }
  return {code: bad > 0 ? 2 : failed > 0 ? 1 : 0, failed, bad}
}
