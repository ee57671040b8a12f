/*
 * oclif's command_not_found hook. With commands separated by spaces, oclif reads
 * `cadv stats extra` as a command named "stats extra": that is `stats` with an argument it does
 * not take, and stats says so. Anything else is an unknown command, with the nearest name.
 */
import type {Hook} from '@oclif/core'

import {didYouMean} from '../util/index.js'

export class UnknownCommandError extends Error {
  readonly exitCode = 2
}

const hook: Hook.CommandNotFound = async function (opts) {
  const words = opts.id.split(':')
  for (let i = words.length - 1; i > 0; i--) {
    const id = words.slice(0, i).join(':')
    if (opts.config.findCommand(id)) return opts.config.runCommand(id, [...words.slice(i), ...(opts.argv ?? [])])
  }
  const word = words[0]!
  const visible = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id.replaceAll(':', ' '))
  const what = word.startsWith('-') ? `unknown flag ${word} (a command comes first: cadv <command> [flags])` : `unknown command "${word}"`
  throw new UnknownCommandError(`${what}${word.startsWith('-') ? '' : didYouMean(word, visible)}; commands: ${visible.sort().join(', ')}`)
}

export default hook
