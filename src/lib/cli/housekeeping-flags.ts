import {Flags} from '@oclif/core'

import type {HousekeepingOptions, StoreOptions} from '../stats/index.js'
import {durationFlag} from './duration.js'

/** A flag combination the user must fix: one line, exit 2. */
export class HousekeepingFlagError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'HousekeepingFlagError'
  }
}

/**
 * cAdvisor's housekeeping and cache flags with its standalone defaults, shared by the commands
 * that run the manager (`cadv serve`). Spread them into a command's flags and turn the parsed
 * values into manager options with housekeepingOptionsFrom().
 */
export const housekeepingFlags = {
  'housekeeping-interval': durationFlag({
    description: 'Base interval between two readings of one container (cAdvisor: 1s).',
    default: '1s',
    minMs: 10,
  }),
  'max-housekeeping-interval': durationFlag({
    description: 'Longest interval dynamic housekeeping backs off to for an idle container (cAdvisor: 60s).',
    default: '60s',
    minMs: 10,
  }),
  'allow-dynamic-housekeeping': Flags.boolean({
    description: 'Double a container\'s interval while its readings do not change, back to the base on the first change; --no-allow-dynamic-housekeeping keeps every container at the base interval.',
    default: true,
    allowNo: true,
  }),
  'storage-duration': durationFlag({
    description: 'How long readings are kept in memory per container (cAdvisor: 2m).',
    default: '2m',
    minMs: 0,
  }),
  'max-open-files': Flags.integer({
    description: 'How many cgroup files may be kept open for cheap re-reads (default: the open-file limit minus 512, at most 16384; 0 = open and close every time).',
    min: 0,
  }),
}

export interface HousekeepingFlagValues {
  'housekeeping-interval': number
  'max-housekeeping-interval': number
  'allow-dynamic-housekeeping': boolean
  'storage-duration': number
  'max-open-files'?: number
}

export interface ManagerHousekeepingOptions {
  housekeeping: Partial<HousekeepingOptions>
  store: Partial<StoreOptions>
  maxOpenFiles?: number
}

/** Manager options from the parsed flags; refuses a maximum below the base interval. */
export function housekeepingOptionsFrom(flags: HousekeepingFlagValues): ManagerHousekeepingOptions {
  const base = flags['housekeeping-interval']
  const max = flags['max-housekeeping-interval']
  if (max < base) {
    throw new HousekeepingFlagError(`--max-housekeeping-interval (${max} ms) is shorter than --housekeeping-interval (${base} ms)`)
  }
  const out: ManagerHousekeepingOptions = {
    housekeeping: {intervalMs: base, maxIntervalMs: max, dynamic: flags['allow-dynamic-housekeeping']},
    store: {maxAgeMs: flags['storage-duration']},
  }
  if (flags['max-open-files'] !== undefined) out.maxOpenFiles = flags['max-open-files']
  return out
}
