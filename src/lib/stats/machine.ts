import {readFileSync} from 'node:fs'

/** MemTotal from <proc>/meminfo in bytes: what an unlimited container's memory is measured against. */
export function hostMemoryBytes(procRoot = '/proc'): number | undefined {
  try {
    const m = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync(`${procRoot}/meminfo`, 'latin1'))
    return m ? Number(m[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}
