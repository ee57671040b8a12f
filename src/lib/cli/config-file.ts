/*
 * The optional configuration file: YAML whose keys are flag names, at the top level for every
 * command that has the flag and under a command's name for that command only.
 *
 *   docker: unix:///run/docker.sock     # every command with --docker
 *   stats:
 *     interval: 2s
 *     sort: mem
 *   serve:
 *     listen: [":8080"]
 *     kubelet-labels: true
 *
 * Its values become command-line flags placed before the user's, for flags the user did not
 * give and whose environment variable is not set: the command line wins, then the
 * environment, then the file, then the defaults. An unknown key is an error (exit 2), with the
 * nearest flag name. Where the file is: config-path.ts.
 */
import {readFileSync} from 'node:fs'

import {didYouMean, parseYaml, systemErrorText} from '../util/index.js'

export {configPath} from './config-path.js'

/** What the file needs to know about a flag. */
export interface ConfigFlag {
  type: 'boolean' | 'option'
  char?: string
  aliases?: string[]
  allowNo?: boolean
  multiple?: boolean
  env?: string
  hidden?: boolean
}

export class ConfigFileError extends Error {
  readonly exitCode = 2
}

type Values = Record<string, unknown>

/** Reads and parses the file; a file named by $CADV_CONFIG must exist. */
export function readConfig(path: string): Values {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigFileError(`config file ${path}: cannot read (${systemErrorText(err)})`)
  }
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    // yaml's first line ends "at line 2, column 1:" before a snippet of the file: the place is enough.
    throw new ConfigFileError(`config file ${path}: not YAML: ${(err as Error).message.split('\n')[0]!.replace(/:\s*$/, '')}`)
  }
  if (doc === null || doc === undefined) return {}
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigFileError(`config file ${path}: expected keys and values (flag: value)`)
  return doc as Values
}

/** True when the command line already sets the flag (any spelling). */
function given(argv: readonly string[], name: string, f: ConfigFlag): boolean {
  const longs = [name, ...(f.aliases ?? [])].flatMap((n) => [`--${n}`, ...(f.type === 'boolean' && f.allowNo ? [`--no-${n}`] : [])])
  for (const a of argv) {
    if (a === '--') return false
    if (longs.some((l) => a === l || a.startsWith(`${l}=`))) return true
    if (f.char && /^-[^-]/.test(a) && a.slice(1).includes(f.char) && (f.type === 'boolean' || a.startsWith(`-${f.char}`))) return true
  }
  return false
}

/** One key's value as command-line words. */
function words(path: string, key: string, name: string, f: ConfigFlag, value: unknown): string[] {
  const bad = (what: string): ConfigFileError => new ConfigFileError(`config file ${path}: ${key}: ${what}`)
  if (f.type === 'boolean') {
    if (typeof value !== 'boolean') throw bad('expected true or false')
    if (value) return [`--${name}`]
    return f.allowNo ? [`--no-${name}`] : []
  }
  const scalar = (v: unknown): string => {
    if (typeof v === 'string' || typeof v === 'number') return String(v)
    throw bad(`expected a value${f.multiple ? ' or a list of values' : ''}`)
  }
  if (Array.isArray(value)) {
    if (!f.multiple) throw bad('takes one value, not a list')
    return value.flatMap((v) => [`--${name}`, scalar(v)])
  }
  return [`--${name}`, scalar(value)]
}

export interface ApplyConfigOptions {
  path: string
  values: Values
  /** The command's id (`stats`), for its section. */
  command: string
  /** Every command's id, to tell a section from a misspelt flag. */
  commands: readonly string[]
  /** The command's flags. */
  flags: Record<string, ConfigFlag>
  /** Every flag name any command has: a top-level key must be one of them. */
  allFlags: readonly string[]
  env?: NodeJS.ProcessEnv
}

/** The user's argv with the file's values for this command put in front. */
export function applyConfig(argv: readonly string[], o: ApplyConfigOptions): string[] {
  const env = o.env ?? process.env
  const chosen = new Map<string, {key: string; value: unknown}>()
  for (const [key, value] of Object.entries(o.values)) {
    if (o.commands.includes(key)) continue
    if (!o.allFlags.includes(key))
      throw new ConfigFileError(`config file ${o.path}: unknown key "${key}"${didYouMean(key, [...o.allFlags, ...o.commands])}`)
    if (o.flags[key] && !o.flags[key]!.hidden) chosen.set(key, {key, value})
  }
  const section = o.values[o.command]
  if (section !== undefined && section !== null) {
    if (typeof section !== 'object' || Array.isArray(section))
      throw new ConfigFileError(`config file ${o.path}: ${o.command}: expected flag: value pairs`)
    const own = Object.keys(o.flags).filter((k) => !o.flags[k]!.hidden)
    for (const [key, value] of Object.entries(section as Values)) {
      if (!own.includes(key))
        throw new ConfigFileError(
          `config file ${o.path}: ${o.command}: unknown key "${key}"${didYouMean(key, own)}; cadv help ${o.command} lists the flags`,
        )
      chosen.set(key, {key: `${o.command}.${key}`, value})
    }
  }
  const extra: string[] = []
  for (const [name, {key, value}] of chosen) {
    const f = o.flags[name]!
    if (given(argv, name, f) || (f.env !== undefined && env[f.env] !== undefined)) continue
    extra.push(...words(o.path, key, name, f, value))
  }
  return [...extra, ...argv]
}
