import * as Flags from '@oclif/core/flags'

/**
 * `cadv serve`'s priorities: the metrics thread's place in the kernel's run queue
 * (metrics/thread-priority.ts), and housekeeping's place behind requests (stats/tick-queue.ts;
 * that switch is hidden: it exists for the baseline of bench/pressure.bench.ts, not for users).
 */
export const priorityFlags = {
  'metrics-thread-priority': Flags.integer({
    summary:
      'Nice steps below the process the thread that answers scrapes asks for (0 to 20; 0: none). Needs CAP_SYS_NICE (root); without it, nothing changes.',
    description:
      "How many nice steps below the process's own the metrics thread (the thread that answers scrapes from the bodies the main thread builds) asks the kernel for, for itself alone: on a busy host its scrapes then wait less for a turn on a core, while housekeeping and rendering keep the process's priority. Lowering a nice value needs CAP_SYS_NICE (root has it) or an RLIMIT_NICE allowance; without either the thread keeps the process's, silently. It weighs only against threads in the same scheduling group (the same cgroup, and on hosts with autogroup the same session); between cgroups their CPU weights decide. `ps -L -o tid,ni,comm -p <pid>` shows it. 0: none.",
    default: 10,
    min: 0,
    max: 20,
    helpValue: '<steps>',
  }),
  'housekeeping-yield': Flags.boolean({
    hidden: true,
    default: true,
    allowNo: true,
    description:
      'Serve scrapes, /healthz and events before housekeeping reads (--no-housekeeping-yield: read each container as its timer fires).',
  }),
}
