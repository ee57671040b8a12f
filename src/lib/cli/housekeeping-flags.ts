import * as Flags from '@oclif/core/flags'

import {durationFlag} from './duration-flag.js'

/**
 * cAdvisor's housekeeping and cache flags with its standalone defaults, shared by the commands
 * that run the manager (`cadv serve`). Spread them into a command's flags and turn the parsed
 * values into manager options with housekeepingOptionsFrom() (app/options.ts).
 */
export const housekeepingFlags = {
  'housekeeping-interval': durationFlag({
    description: 'Base interval between two readings of one container (as cAdvisor).',
    default: '1s',
    minMs: 10,
  }),
  'max-housekeeping-interval': durationFlag({
    description: 'Longest interval dynamic housekeeping backs off to for an idle container (cAdvisor: 60s).',
    default: '60s',
    minMs: 10,
  }),
  'allow-dynamic-housekeeping': Flags.boolean({
    description:
      "Double a container's interval while its readings do not change, back to the base on the first change; --no-allow-dynamic-housekeeping keeps every container at the base interval.",
    default: true,
    allowNo: true,
  }),
  'storage-duration': durationFlag({
    description: 'How long readings are kept in memory per container (cAdvisor: 2m).',
    default: '2m',
    minMs: 0,
  }),
  'max-open-files': Flags.integer({
    description:
      'How many cgroup files may be kept open for cheap re-reads (default: the open-file limit minus 512, and for cadv serve minus --max-connections; at most 16384; 0 = open and close every time).',
    min: 0,
    helpValue: '<n>',
  }),
}
