/*
 * Warnings about the shared host rather than about what a test checks: on a machine where other
 * processes hold most of root's inotify watches, any cadv says once that it polls the rest. A
 * test that expects an exact stderr leaves these lines out.
 */
const HOST_WARNING = /warning: inotify watch limit reached/
const HOST_WARNING_TEXT = /^inotify watch limit reached /

/** Warnings as a manager's onWarning gets them (no `warning:` prefix), without the host's. */
export function ownWarnings(warnings: readonly string[]): string[] {
  return warnings.filter((w) => !HOST_WARNING_TEXT.test(w))
}

/** stderr's non-empty lines without the host's warnings. */
export function ownLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !HOST_WARNING.test(l))
}
