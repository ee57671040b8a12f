import {Flags} from '@oclif/core'

import {durationFlag} from './duration-flag.js'

/**
 * `cadv serve`'s connection and request limits: the caps that keep the endpoint reachable and
 * the process within its descriptors. Turned into server options by app/serve-endpoint.ts.
 */
export const endpointFlags = {
  'max-connections': Flags.integer({
    description:
      'Most HTTP connections open at once; at the cap the longest-idle one is closed to make room (default: a quarter of the open-file limit less 512, 16 to 4096; with --max-open-files it must fit in the limit).',
    min: 1,
  }),
  'max-connections-per-client': Flags.integer({
    description: 'Most HTTP connections open at once from one client address, the longest-idle closed first (0: no cap).',
    default: 64,
    min: 0,
  }),
  'request-body-timeout': durationFlag({
    description:
      "Longest a request's body may take once its headers have arrived; a scrape holds its --max-requests slot until then at most (408 after).",
    default: '2s',
    minMs: 1,
  }),
}
