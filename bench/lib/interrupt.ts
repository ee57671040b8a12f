/**
 * A benchmark interrupted (Ctrl-C, a timeout's SIGTERM) must not leave its cgroups and
 * processes behind: `cleanupOnInterrupt` runs the cleanup once, then exits 130. The same when
 * its reader goes (`npm run bench -- stats | head`): Node ignores SIGPIPE, so the next write
 * fails with EPIPE, which would otherwise end the process with its cgroups still there.
 */
export function cleanupOnInterrupt(bench: string, what: string, cleanup: () => Promise<void>): void {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      console.error(`\n${bench}: ${sig}, removing ${what}`)
      void cleanup().finally(() => process.exit(130))
    })
  }
  let closed = false
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
    if (closed) return
    closed = true
    console.error(`\n${bench}: its output was closed, removing ${what}`)
    // 141: what a shell reports for a process ended by SIGPIPE.
    void cleanup().finally(() => process.exit(141))
  })
}

/** Makes `cleanup` safe to call twice (from the signal handler and from `finally`). */
export function once(cleanup: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  return () => (running ??= cleanup())
}
