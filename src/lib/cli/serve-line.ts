/*
 * `cadv serve`'s command line read with the command's own flag definitions and oclif's parser,
 * for the path without oclif's Config (cli/fast-serve.ts). The definitions hold oclif's flag
 * functions, whose modules hold oclif's errors, help and ux modules and the packages they load
 * (ejs, debug, cli-spinners …): about 45 modules of oclif's and 30 of others', over 1 MiB of a
 * server's heap for as long as it runs if anything kept them. So this module is built as a
 * CommonJS bundle of its own (scripts/build-fast.mjs) that fast-serve loads with require, asks
 * once and drops with every module it loaded: what it hands back is plain values.
 */
import {parse} from '@oclif/core/parser'

import {sayServeNotices, translateServeArgs, type CommandFlag} from './cadvisor-flags.js'
import {flagSpellings, globalFlags} from './global-flags.js'
import {serveFlags} from './serve-flags.js'

const definitions = {...globalFlags, ...serveFlags}

const parseServe = (argv: string[]) => parse(argv, {flags: definitions, args: {}, strict: true})

/** The flags `cadv serve` runs with, as oclif's parser gives them. */
export type ServeLineFlags = Awaited<ReturnType<typeof parseServe>>['flags']

export interface ServeLine {
  flags: ServeLineFlags
  /** The command's flag spellings, for errors that name a flag (cli/errors.ts). */
  spellings: string[]
}

/**
 * `argv` (after `serve`; CADVISOR_MODE_ARG first for `cadvisor`) translated and parsed, with
 * the translation's notices said; or undefined, having said nothing, when oclif should read it
 * instead: cAdvisor's -version, or a line the translation or the parser refuses (oclif then
 * gives the one-line error it always gives).
 */
export async function readServeLine(argv: string[]): Promise<ServeLine | undefined> {
  let line: ReturnType<typeof translateServeArgs>
  let flags: ServeLineFlags
  try {
    line = translateServeArgs(argv, definitions as Record<string, CommandFlag>)
    if (line.translated.version) return undefined
    ;({flags} = await parseServe(line.translated.argv))
  } catch {
    return undefined
  }
  sayServeNotices(line.translated, line.who)
  return {flags, spellings: flagSpellings(definitions)}
}
