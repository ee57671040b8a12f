/**
 * The directory went away between the event (or listing) and our look at it: normal life on a
 * busy host, for any cgroup anywhere, in every backend. ENODEV is what a cgroup directory being
 * removed can answer.
 */
export function gone(err: unknown): boolean {
  const c = (err as NodeJS.ErrnoException | undefined)?.code
  return c === 'ENOENT' || c === 'ENOTDIR' || c === 'ENODEV'
}

/** The same, for errors that carry only strerror() text (@parcel/watcher's). */
export function goneText(message: string): boolean {
  return /No such file or directory|Not a directory|No such device|ENOENT|ENOTDIR|ENODEV/.test(message)
}
