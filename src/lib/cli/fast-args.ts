/*
 * The command-line parsing of the oclif-free paths (cli/fast-resolve.ts, cli/fast-watch.ts):
 * a command's own flags read with `node:util`, and `undefined` for anything this parser is not
 * sure about — --help, an unknown or repeated flag, a value of the wrong shape — so that
 * bin/run.js hands the command line to oclif, which gives the full help and the proper one-line
 * errors. Each path keeps the flag table of its command; a test keeps each equal to oclif's.
 */
import {parseArgs} from 'node:util'

import {AppContext} from '../app/context.js'
import {discoverCgroups, type CgroupLayout} from '../cgroups/index.js'
import {parseDuration, type DurationLimits} from '../util/index.js'
import {configPath} from './config-path.js'
import {CONTEXT, reportError} from './errors.js'

export type FastSpec = {
  type: 'string' | 'boolean'
  multiple?: boolean
  short?: string
  env?: string
  /** Other long names of a boolean flag (`--no-stream` for `--once`). */
  aliases?: string[]
  /**
   * A duration flag (oclif's durationFlag): its default as users write it and its limits. Its
   * value is parsed by parseFast, one way for every path; a bad one goes to oclif.
   */
  duration?: {default?: string} & DurationLimits
}

/** The global flags every command takes (cli/base-command.ts). */
export const FAST_GLOBAL_FLAGS: Record<string, FastSpec> = {
  'cgroup-root': {type: 'string', env: 'CADV_CGROUP_ROOT'},
  'proc-root': {type: 'string', env: 'CADV_PROC_ROOT'},
  verbose: {type: 'boolean', short: 'v'},
}

/** The parsed command line: a value by flag name, a flag's environment variable, positionals. */
export interface FastArgs {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
  /** The flag's value, else its environment variable's, else `dflt`. */
  str(name: string, dflt: string): string
  /** A repeatable flag's values (none: empty). */
  list(name: string): string[]
  /** Whether the flag was given on the command line or through its environment variable. */
  given(name: string): boolean
  /** A duration flag's value in ms (its default when not given); undefined only without a default. */
  ms(name: string): number | undefined
}

/** The parsed command line, or undefined when oclif should handle it instead. */
export function parseFast(argv: string[], spec: Record<string, FastSpec>): FastArgs | undefined {
  if (argv.some((a) => a === '--help' || a === '-h' || a === 'help' || a === '--version')) return undefined
  // A config file's flags are applied by the oclif command (cli/base-command.ts).
  if (configPath() !== undefined) return undefined
  const aliasOf = new Map<string, string>()
  for (const [k, s] of Object.entries(spec)) for (const alias of s.aliases ?? []) aliasOf.set(alias, k)
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries([
        ...Object.entries(spec).map(([k, s]) => [
          k,
          s.short ? {type: s.type, multiple: s.multiple ?? false, short: s.short} : {type: s.type, multiple: s.multiple ?? false},
        ]),
        ...[...aliasOf].map(([alias, k]) => [alias, {type: spec[k]!.type}]),
      ]),
      allowPositionals: true,
      strict: true,
      tokens: true,
    })
  } catch {
    return undefined
  }
  // oclif refuses a repeated single-valued flag; let it say so.
  const seen = new Set<string>()
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue
    const name = aliasOf.get(t.name) ?? t.name
    if (!spec[name]!.multiple && seen.has(name)) return undefined
    seen.add(name)
  }
  const values = parsed.values as FastArgs['values']
  for (const [alias, k] of aliasOf) {
    if (values[alias] === undefined) continue
    values[k] = values[alias]
    delete values[alias]
  }
  const env = (k: string): string | undefined => (spec[k]!.env ? process.env[spec[k]!.env!] : undefined)
  const ms = new Map<string, number>()
  for (const [k, s] of Object.entries(spec)) {
    if (s.duration === undefined) continue
    const text = (values[k] as string | undefined) ?? env(k) ?? s.duration.default
    if (text === undefined) continue
    try {
      ms.set(k, parseDuration(text, s.duration))
    } catch {
      return undefined
    }
  }
  return {
    values,
    positionals: parsed.positionals,
    str: (k, dflt) => (values[k] as string | undefined) ?? env(k) ?? dflt,
    list: (k) => (values[k] as string[] | undefined) ?? [],
    given: (k) => values[k] !== undefined || env(k) !== undefined,
    ms: (k) => ms.get(k),
  }
}

/**
 * Runs a command with the layout its global flags name, as the oclif command would: an error
 * becomes one line on stderr and the exit status (cli/errors.ts).
 */
export async function runFast(
  command: string,
  a: FastArgs,
  run: (layout: CgroupLayout, ctx: AppContext) => Promise<void>,
): Promise<number> {
  const ctx = new AppContext({command, verbose: a.values.verbose === true})
  try {
    const cgroupRoot = a.str('cgroup-root', '')
    await run(discoverCgroups({cgroupRoot: cgroupRoot || undefined, procRoot: a.str('proc-root', '/proc')}), ctx)
    return 0
  } catch (err) {
    if (typeof err === 'object' && err !== null) Object.assign(err, {[CONTEXT]: {command}})
    return reportError(err, 'cadv')
  }
}
