import {Flags} from '@oclif/core'

import {durationFlag} from './duration-flag.js'

/**
 * Settings of particular metric kinds, shared by the commands that collect (`cadv serve`):
 * how the disk kind walks writable layers, and referenced_memory's reset. Translated by
 * kindOptionsFrom() (app/kinds-options.ts).
 */
export const kindsFlags = {
  'disk-usage-interval': durationFlag({
    description: "How often each container's writable layer is walked to measure its disk usage (kind disk; cAdvisor: 1m).",
    default: '1m',
    minMs: 1000,
  }),
  'disk-usage-concurrency': Flags.integer({
    description: 'Most writable-layer walks running at once, process-wide (kind disk).',
    default: 2,
    min: 1,
  }),
  'enable-load-reader': Flags.boolean({
    description:
      "Read every task's state each tick for the cpuLoad kind (container_tasks_state, load averages), as cAdvisor's --enable_load_reader; on by itself when cpuLoad is named in --enable-metrics.",
    default: false,
  }),
  'deleted-last-seen': durationFlag({
    description:
      "How long a deleted container's container_last_seen stays, frozen at the time it was last seen, so `time() - container_last_seen > 60` alerts fire (0: it goes with the container).",
    default: '5m',
    minMs: 0,
  }),
  'referenced-reset-interval': Flags.integer({
    description:
      "Clear the processes' referenced-page bits every N readings so container_referenced_bytes shows recent use (kind referenced_memory; 0 never clears: clearing changes the kernel's page aging).",
    default: 0,
    min: 0,
  }),
}
