import {MAX_KERNEL_FILE_BYTES, readBoundedText} from './bounded-read.js'

/*
 * The one reader of /proc/meminfo: host memory for unlimited containers, the v2 root's swap,
 * and the machine families all take their numbers from here.
 */

const patterns = new Map<string, RegExp>()

/** A /proc/meminfo value in bytes (`MemTotal:   16384 kB`), or undefined when the key is absent. */
export function meminfoBytes(text: string, key: string): number | undefined {
  let re = patterns.get(key)
  if (!re) patterns.set(key, (re = new RegExp(`^${key}:\\s+(\\d+)(\\s*kB)?\\s*$`, 'm')))
  const m = re.exec(text)
  if (!m) return undefined
  return m[2] === undefined ? Number(m[1]) : Number(m[1]) * 1024
}

/** SwapTotal − SwapFree in bytes: swap in use on the host. */
export function meminfoSwapUsed(text: string): number | undefined {
  const total = meminfoBytes(text, 'SwapTotal')
  const free = meminfoBytes(text, 'SwapFree')
  return total === undefined || free === undefined ? undefined : Math.max(0, total - free)
}

/** `<procRoot>/meminfo` as text, or undefined when it cannot be read. */
export function readMeminfo(procRoot = '/proc'): string | undefined {
  try {
    return readBoundedText(`${procRoot}/meminfo`, MAX_KERNEL_FILE_BYTES, 'latin1')
  } catch {
    return undefined
  }
}

/** MemTotal in bytes: what an unlimited container's memory is measured against. */
export function hostMemoryBytes(procRoot = '/proc'): number | undefined {
  const text = readMeminfo(procRoot)
  return text === undefined ? undefined : meminfoBytes(text, 'MemTotal')
}
