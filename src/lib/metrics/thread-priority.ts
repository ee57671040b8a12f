/*
 * The metrics thread's place in the kernel's queue. On a busy host every runnable thread gets
 * its fair share of the cores and no more: at a load of 8 on two cores, about a fifth of a core
 * each. A storm of scrapes needs more than that of this one thread for short stretches, and when
 * it has used its share, every scrape in flight waits for its next turn (tens of milliseconds).
 * So the thread asks for a lower nice value for itself alone (Linux keeps one per thread): the
 * main thread (housekeeping, rendering) and Node's helper threads keep the process's. Lowering a
 * nice value needs CAP_SYS_NICE (root has it) or an RLIMIT_NICE allowance; without either the
 * thread stays as it was, silently: it is a preference, not a requirement.
 */
import {readlinkSync} from 'node:fs'
import {getPriority, setPriority} from 'node:os'

/** The calling thread's id (/proc/thread-self is `<pid>/task/<tid>`), or undefined off Linux. */
function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    return Number.isInteger(tid) && tid > 0 ? tid : undefined
  } catch {
    return undefined
  }
}

/**
 * Lowers the calling thread's nice value by `steps` (at most to -20). Returns the nice value in
 * force afterwards, or undefined when the kernel refused (no privilege) or nothing was asked.
 */
export function raiseThreadPriority(steps: number): number | undefined {
  if (steps <= 0) return undefined
  const tid = threadId()
  if (tid === undefined) return undefined
  try {
    const target = Math.max(-20, getPriority(tid) - steps)
    setPriority(tid, target)
    return getPriority(tid)
  } catch {
    return undefined
  }
}
