/*
 * The end of a one-shot (`--once`) whose runtimes did not all answer: each container shown
 * from its name alone is named on stderr, and the exit status is 3, so a script can tell an
 * incomplete answer from a complete one (0) and from a failure (1) or bad input (2).
 */
import type {PendingContainer} from '../manager/index.js'
import type {AppContext} from './context.js'

export interface RuntimeWaitFlagValues {
  'runtime-wait': number
}

/** Exit status 3: the output is complete but for the containers named above it on stderr. */
export class IncompleteError extends Error {
  readonly exitCode = 3
  constructor(message: string) {
    super(message)
    this.name = 'IncompleteError'
  }
}

/** Names each container whose runtime never answered, then throws IncompleteError; nothing when all answered. */
export function failIfUnanswered(ctx: AppContext, unanswered: readonly PendingContainer[], waitMs: number): void {
  if (unanswered.length === 0) return
  for (const p of unanswered) {
    ctx.warn(`${p.name}: ${p.factory ?? 'its runtime'} did not answer within ${waitMs / 1000} s (${p.reason}); shown from its name alone`)
  }
  const n = unanswered.length
  throw new IncompleteError(`${n} container${n === 1 ? '' : 's'} without ${n === 1 ? 'its' : 'their'} runtime's answer (named above)`)
}
