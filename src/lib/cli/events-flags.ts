/*
 * `cadv serve`'s event store and REST API flags, with cAdvisor's names and defaults: how long
 * and how many events of each type are kept (cAdvisor's `default=24h,oom=72h` syntax) and how
 * often the machine description of the API is re-read.
 */
import * as Flags from '@oclif/core/flags'

import {DEFAULT_EVENT_AGE, DEFAULT_EVENT_COUNT} from '../app/options.js'
import {durationFlag} from './duration-flag.js'

export const eventsFlags = {
  'event-storage-age-limit': Flags.string({
    summary:
      'How long events are kept, per type: <type>=<duration>,… with types oom, oomKill, containerCreation, containerDeletion and default (0: not kept; streams still get them).',
    description:
      "How long events are kept, per type, in cAdvisor's syntax: types `oom`, `oomKill`, `containerCreation`, `containerDeletion` and `default` (e.g. `default=24h,oom=72h`). 0 keeps none of that type; streams still get them.",
    default: DEFAULT_EVENT_AGE,
    helpValue: '<type=duration,...>',
  }),
  'event-storage-event-limit': Flags.string({
    summary: 'How many events are kept, per type: <type>=<count>,… (same types; 0: not kept).',
    description: 'How many events are kept, per type, in the same syntax (0 keeps none of that type).',
    default: DEFAULT_EVENT_COUNT,
    helpValue: '<type=count,...>',
  }),
  'update-machine-info-interval': durationFlag({
    summary: 'How often the machine description of /api/*/machine and /attributes is re-read (cAdvisor: 5m).',
    description:
      'How often the machine description of `/api/*/machine`, `/api/v2.0/attributes` and `/api/v2.0/storage` is re-read (as cAdvisor).',
    default: '5m',
    minMs: 1000,
  }),
}
