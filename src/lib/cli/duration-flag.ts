import * as Flags from '@oclif/core/flags'

import {parseDuration, type DurationLimits} from '../util/index.js'

/**
 * An oclif flag holding a duration in milliseconds: `durationFlag({description, default: '60s'})`.
 * The default is written as text so `--help` shows it the way users type it.
 */
export function durationFlag(options: {description: string; summary?: string; default?: string; helpGroup?: string} & DurationLimits) {
  const {minMs, maxMs, default: def, ...rest} = options
  const limits: DurationLimits = {minMs, maxMs}
  const make = Flags.custom<number>({
    ...rest,
    helpValue: '<duration>',
    parse: async (input: string) => parseDuration(input, limits),
  })
  if (def === undefined) return make()
  const ms = parseDuration(def, limits)
  return make({default: ms, defaultHelp: async () => def})
}
