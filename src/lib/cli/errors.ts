/*
 * One error format for every message a command line can end with: `<bin> <command>: <what>`
 * on one line of stderr, and an exit status (2: bad input or environment, 1: anything else).
 * Errors from our code, from oclif's parser (unknown flags, bad option values, unexpected
 * arguments, unknown commands) and from plugins all come through here. No oclif import: the
 * oclif-free `cadv resolve` path uses it too.
 */
import {didYouMean, errnoText, escapeControl} from '../util/index.js'

/** What a command adds to an error on its way out (CadvCommand.catch). */
export interface ErrorContext {
  /** `stats`, `serve`: the second word of the prefix. */
  command?: string
  /** Every spelling of the command's flags (`--sort`, `--no-stream`, `-a`), for suggestions. */
  flags?: readonly string[]
}

/** The annotation CadvCommand puts on an error it passes on. */
export const CONTEXT = Symbol.for('cadv.errorContext')

interface ErrorLike {
  message?: string
  exitCode?: number
  code?: string
  oclif?: {exit?: number}
  stack?: string
  [CONTEXT]?: ErrorContext
}

/** True for oclif's ExitError: `this.exit(n)`, --help and --version end this way, silently. */
export function isExit(err: unknown): err is ErrorLike & {oclif: {exit: number}} {
  return (err as ErrorLike)?.code === 'EEXIT' && typeof (err as ErrorLike).oclif?.exit === 'number'
}

/**
 * The one line to show for an error message. oclif wraps a flag's parse error as
 * "Parsing --flag \n\t<reason>\nSee more help with --help"; that becomes "--flag: <reason>".
 * oclif colours parts of its messages (stderr may be a file) and lists constraint failures
 * under "The following error occurred:".
 */
export function firstLine(message: string): string {
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '')
  const wrapped = /^Parsing (--?[\w-]+)\s*\n\s*(.+)/.exec(plain)
  if (wrapped) return `${wrapped[1]}: ${wrapped[2]!.trim()}`
  const lines = plain
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('See more help'))
  if (lines.length > 1 && /^The following errors? occurred:$/.test(lines[0]!)) return lines.slice(1).join('; ')
  return lines[0] ?? 'unknown error'
}

/** oclif's parser messages in our words, with a suggestion where one is close. */
function ourWords(line: string, context: ErrorContext): string {
  const unknownFlag = /^Nonexistent flags?: (\S+)/.exec(line)
  if (unknownFlag) {
    const flag = unknownFlag[1]!.replace(/=.*/, '').replace(/,$/, '')
    const help = context.command ? `; cadv help ${context.command} lists them` : ''
    return `unknown flag ${flag}${didYouMean(flag, context.flags ?? [])}${help}`
  }
  const unexpected = /^Unexpected arguments?: (.+)$/.exec(line)
  if (unexpected) {
    const args = unexpected[1]!.split(/,\s*/)
    const who = context.command ? `cadv ${context.command}` : 'this command'
    return `unexpected argument${args.length > 1 ? 's' : ''} ${args.map((a) => `"${a}"`).join(', ')}: ${who} takes none`
  }
  const option = /^Expected --([\w-]+)=(.*) to be one of: (.+)$/.exec(line)
  if (option) {
    const choices = option[3]!.split(/,\s*/)
    return `--${option[1]} ${option[2]}: expected one of ${choices.join(', ')}${didYouMean(option[2]!, choices)}`
  }
  // Exclusive flags: "--a=true cannot also be provided when using --b", once per pair.
  const exclusive = [...line.matchAll(/--([\w-]+)=\S* cannot also be provided when using --([\w-]+)/g)]
  if (exclusive.length > 0) return exclusive.map((m) => `--${m[1]} and --${m[2]} cannot be used together`).join('; ')
  return line
}

/** Bare errno names left in a message (`EADDRINUSE`), in words. */
function errnoWords(line: string): string {
  // Node's own form, "ENOENT: no such file or directory, open '/x'": the words are already there.
  return line
    .replace(/\b(?:connect|getaddrinfo) (E[A-Z0-9_]{2,}) (\S+)/g, (all, name: string, to: string) => {
      // Node's socket and lookup forms, "connect ECONNREFUSED 127.0.0.1:6379", "getaddrinfo
      // ENOTFOUND influx": the words, then to where.
      const words = errnoText(name)
      return words ? `${words} (${to})` : all
    })
    .replace(/\b(E[A-Z0-9_]{2,}): (?=[a-z])/g, (all, name: string) => (errnoText(name) ? '' : all))
    .replace(/\b(E[A-Z0-9_]{2,})\b/g, (name) => errnoText(name) ?? name)
}

/** The line an error ends a command line with, without the prefix. */
export function errorLine(err: unknown, context: ErrorContext = {}): string {
  const e = err as ErrorLike
  const message = e?.message ?? (typeof err === 'string' ? err : String(err))
  return errnoWords(ourWords(firstLine(message).replace(/^\s*(Error:\s*)?/, ''), context))
}

/** The exit status an error asks for: its own, oclif's, else 1. */
export function exitCodeOf(err: unknown): number {
  const e = err as ErrorLike
  return e?.exitCode ?? e?.oclif?.exit ?? 1
}

/**
 * Writes the one line for `err` to stderr (a stack trace too with CADV_DEBUG=1) and returns
 * the exit status. The prefix is `<bin> <command>`, or `<bin>` alone for a bin that is one
 * command (`cadvisor`). oclif's ExitError (help, version, `this.exit()`) writes nothing.
 */
export function reportError(err: unknown, bin: string, stderr: NodeJS.WritableStream = process.stderr, commandInPrefix = true): number {
  if (isExit(err)) return err.oclif.exit
  const context = (err as ErrorLike)?.[CONTEXT] ?? {}
  const prefix = context.command && commandInPrefix ? `${bin} ${context.command}` : bin
  // Messages quote names and files: control characters in them are shown escaped.
  stderr.write(`${prefix}: ${escapeControl(errorLine(err, context))}\n`)
  const stack = (err as ErrorLike)?.stack
  if (process.env.CADV_DEBUG === '1' && stack) stderr.write(`${stack}\n`)
  return exitCodeOf(err)
}
