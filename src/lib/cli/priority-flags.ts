import {Flags} from '@oclif/core'

/**
 * `cadv serve`'s switch for housekeeping's place behind requests (stats/tick-queue.ts), hidden:
 * it exists for the baseline of bench/pressure.bench.ts, not for users.
 */
export const priorityFlags = {
  'housekeeping-yield': Flags.boolean({
    hidden: true,
    default: true,
    allowNo: true,
    description:
      'Serve scrapes, /healthz and events before housekeeping reads (--no-housekeeping-yield: read each container as its timer fires).',
  }),
}
