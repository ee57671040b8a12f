import {readBoundedFile} from './bounded-read.js'

/** AT_PAGESZ in the ELF auxiliary vector. */
const AT_PAGESZ = 6n
let cached: number | undefined

/**
 * The kernel's page size, from this process's auxiliary vector (/proc/self/auxv: pairs of
 * native words, type then value); 4096 where it cannot be read. Node has no sysconf().
 */
export function pageSize(): number {
  if (cached !== undefined) return cached
  cached = 4096
  try {
    const buf = readBoundedFile('/proc/self/auxv', 64 * 1024)
    for (let i = 0; i + 16 <= buf.length; i += 16) {
      const type = buf.readBigUInt64LE(i)
      if (type === 0n) break
      if (type === AT_PAGESZ) {
        cached = Number(buf.readBigUInt64LE(i + 8))
        break
      }
    }
  } catch {
    // not Linux, or /proc not mounted: keep the common size
  }
  return cached
}
