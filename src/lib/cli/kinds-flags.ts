import * as Flags from '@oclif/core/flags'

import {durationFlag} from './duration-flag.js'

/**
 * Settings of particular metric kinds, shared by the commands that collect (`cadv serve`):
 * how the disk kind walks writable layers, and referenced_memory's reset. Translated by
 * kindOptionsFrom() (app/kinds-options.ts).
 */
export const kindsFlags = {
  'disk-usage-interval': durationFlag({
    summary: "How often a container's writable layer is measured (kind disk).",
    description:
      "How often each container's writable layer is walked to measure its disk usage (kind disk; cAdvisor's default, 1m). A walk runs in the background; housekeeping reads its last result.",
    default: '1m',
    minMs: 1000,
  }),
  'disk-usage-concurrency': Flags.integer({
    summary: 'Most writable-layer walks at once (kind disk).',
    description:
      'Most writable-layer walks running at once in the whole process (kind disk), so that many containers never stall housekeeping.',
    default: 2,
    min: 1,
  }),
  'enable-load-reader': Flags.boolean({
    summary: "Read task states for cpuLoad, as cAdvisor's --enable_load_reader.",
    description:
      "Read every task's state each tick for the cpuLoad kind (container_tasks_state, the 10 s load averages), as cAdvisor's --enable_load_reader. Without it the kind gives nothing, as cAdvisor's default does; naming cpuLoad in --enable-metrics turns it on.",
    default: false,
  }),
  'deleted-last-seen': durationFlag({
    summary: "How long a deleted container's container_last_seen stays.",
    description:
      "How long a deleted container's container_last_seen stays, frozen at the time it was last seen (5m is Prometheus' lookback; 0: it goes with the container). Only this series stays: the common alert `time() - container_last_seen > 60` then fires about a minute after a container is deleted, without the stale series cAdvisor's timestamps leave behind.",
    default: '5m',
    minMs: 0,
  }),
  'perf-events-config': Flags.string({
    summary: 'Perf events to count per container (kind perf_event; cAdvisor JSON).',
    description:
      "cAdvisor's perf events configuration (JSON: core events by name or as custom type and config numbers) for the perf_event kind, counted per container and CPU by perf(1) (Debian package linux-perf). Without it the kind counts nothing, as in cAdvisor; uncore events are not counted.",
    helpValue: '<file>',
  }),
  'referenced-reset-interval': Flags.integer({
    summary: 'Clear referenced-page bits every N readings (kind referenced_memory).',
    description:
      "Clear the processes' referenced-page bits every N readings so container_referenced_bytes shows recent use (kind referenced_memory; 0 never clears: clearing changes the kernel's page aging).",
    default: 0,
    min: 0,
  }),
}
