import * as Flags from '@oclif/core/flags'

import {durationFlag} from './duration-flag.js'

/**
 * `cadv serve`'s connection and request limits: the caps that keep the endpoint reachable and
 * the process within its descriptors. Turned into server options by app/serve-endpoint.ts.
 */
export const endpointFlags = {
  'max-connections': Flags.integer({
    summary:
      'Most HTTP connections open at once; at the cap the longest-idle one is closed to make room (default: a quarter of the open-file limit less 512, 16 to 4096; with --max-open-files it must fit in the limit).',
    description:
      'Most HTTP connections open at once. Default: a quarter of the open-file limit less 512 (16 to 4096); `--max-open-files` defaults to the rest, so that 512 descriptors stay free of both for the watcher, runtime sockets and Node. Given both, they must fit in the limit (exit 2 otherwise). At the cap the connection idle longest (no request in progress) is closed to make room; a new one is refused only when every connection is busy.',
    min: 1,
    helpValue: '<n>',
  }),
  'max-connections-per-client': Flags.integer({
    description: 'Most HTTP connections open at once from one client address, the longest-idle closed first (0: no cap).',
    default: 64,
    min: 0,
    helpValue: '<n>',
  }),
  'request-body-timeout': durationFlag({
    summary:
      "Longest a request's body may take once its headers have arrived; a scrape holds its --max-requests slot until then at most (408 after).",
    description:
      "Longest a request's body may take once its headers have arrived (at most `--request-timeout`). A scrape holds its `--max-requests` slot from its complete headers until then at most; after it, 408 and the connection is closed.",
    default: '2s',
    minMs: 1,
  }),
}
