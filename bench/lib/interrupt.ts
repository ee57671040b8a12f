/**
 * A benchmark interrupted (Ctrl-C, a timeout's SIGTERM) must not leave its cgroups and
 * processes behind: `cleanupOnInterrupt` runs the cleanup once, then exits 130.
 */
export function cleanupOnInterrupt(bench: string, what: string, cleanup: () => Promise<void>): void {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      console.error(`\n${bench}: ${sig}, removing ${what}`)
      void cleanup().finally(() => process.exit(130))
    })
  }
}

/** Makes `cleanup` safe to call twice (from the signal handler and from `finally`). */
export function once(cleanup: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  return () => (running ??= cleanup())
}
