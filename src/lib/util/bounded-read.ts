import {closeSync, constants, openSync, readSync, statSync, type Stats} from 'node:fs'

/*
 * The one way cadv opens a file it did not write: cgroup and proc files, mountinfo, web config
 * files, certificates. Only regular files are opened (a FIFO would block the open or the read
 * for ever, a device such as /dev/zero never ends, and opening some devices has side effects),
 * the open itself cannot block (O_NONBLOCK: a FIFO swapped in after the check still cannot
 * hang it; it changes nothing for a regular file), and a file is read up to a size cap.
 * cgroupfs and procfs report a size of 0, so the cap is enforced on what is read, not on stat.
 */

/** The cap for cgroup and proc files: about 10× the largest real one (a busy host's cgroup.procs or mountinfo). */
export const MAX_KERNEL_FILE_BYTES = 8 * 1024 * 1024
/** The cap for configuration files and certificates. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024

/** A file cadv refuses to read: not a regular file, or longer than its cap. */
export class UnreadableFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`)
    this.name = 'UnreadableFileError'
  }
}

function notRegular(st: Stats): string {
  if (st.isDirectory()) return 'is a directory'
  const kind = st.isFIFO()
    ? 'a FIFO'
    : st.isCharacterDevice()
      ? 'a character device'
      : st.isBlockDevice()
        ? 'a block device'
        : st.isSocket()
          ? 'a socket'
          : 'special'
  return `is ${kind}, not a regular file`
}

/** "8 MiB" for the error lines. */
export function formatCap(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`
}

/**
 * Opens a regular file for reading; throws UnreadableFileError for anything else (after
 * following symlinks). Errors of the open itself (ENOENT, EACCES, EMFILE) pass through.
 */
export function openRegularFile(path: string): number {
  const st = statSync(path)
  if (!st.isFile()) throw new UnreadableFileError(path, notRegular(st))
  return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
}

/** Reads an open descriptor from its current position to the end; throws UnreadableFileError past maxBytes. */
export function readToEnd(fd: number, path: string, maxBytes: number): Buffer {
  let buf = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1))
  let n = 0
  for (;;) {
    if (n === buf.length) {
      if (buf.length > maxBytes) throw new UnreadableFileError(path, `larger than ${formatCap(maxBytes)}`)
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1))
      buf.copy(bigger, 0, 0, n)
      buf = bigger
    }
    const got = readSync(fd, buf, n, buf.length - n, null)
    if (got === 0) return buf.subarray(0, n)
    n += got
  }
}

/** A regular file's content, at most maxBytes (UnreadableFileError otherwise). */
export function readBoundedFile(path: string, maxBytes = MAX_KERNEL_FILE_BYTES): Buffer {
  const fd = openRegularFile(path)
  try {
    return readToEnd(fd, path, maxBytes)
  } finally {
    closeSync(fd)
  }
}

/** readBoundedFile as text. */
export function readBoundedText(path: string, maxBytes = MAX_KERNEL_FILE_BYTES, encoding: BufferEncoding = 'utf8'): string {
  return readBoundedFile(path, maxBytes).toString(encoding)
}
