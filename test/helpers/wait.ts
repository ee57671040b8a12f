/**
 * Polls `probe` every 50 ms until it gives something other than undefined or false, and
 * returns that; throws `timed out waiting for <what>` after `ms`. Tests wait on conditions
 * this way instead of sleeping a fixed time, which a loaded machine would outrun.
 */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
