import {setTimeout as sleep} from 'node:timers/promises'

export interface UntilOptions {
  /** Give up after this long; default 15 s. */
  timeoutMs?: number
  /** Poll this often; default 50 ms. */
  everyMs?: number
  /** What was last seen, added to the timeout message (cut to its last 300 characters). */
  detail?: () => string
}

/**
 * Polls `probe` until it gives something other than undefined or false, and returns that; throws
 * `timed out waiting for <what>` after the timeout (a number is the timeout in ms). A probe that
 * throws ends the wait with its error. Tests wait on conditions this way instead of sleeping a
 * fixed time, which a loaded machine would outrun. The deadline is on the monotonic clock, so
 * a test that mocks Date can still wait.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: number | UntilOptions = {},
): Promise<T> {
  const {timeoutMs = 15_000, everyMs = 50, detail} = typeof options === 'number' ? {timeoutMs: options} : options
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined && v !== false) return v
    if (performance.now() > deadline) {
      const seen = detail?.() ?? ''
      const shown = seen.length > 300 ? `…${seen.slice(-300)}` : seen
      throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)${shown ? `; ${shown}` : ''}`)
    }
    await sleep(everyMs)
  }
}
