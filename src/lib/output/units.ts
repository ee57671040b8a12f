/*
 * Human units as docker stats prints them: memory in binary units with 4 significant digits
 * (`139.6MiB`, go-units BytesSize), I/O in decimal units with 3 (`1.05GB`, HumanSizeWithPrecision).
 */
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB']
const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB']

function scaled(n: number, base: number, units: readonly string[], digits: number): string {
  let i = 0
  let v = n
  while (v >= base && i < units.length - 1) {
    v /= base
    i++
  }
  return `${Number.parseFloat(v.toPrecision(digits))}${units[i]}`
}

export const MISSING = '--'

export function binaryBytes(n: number | undefined): string {
  return n === undefined ? MISSING : scaled(n, 1024, BINARY, 4)
}

export function decimalBytes(n: number | undefined): string {
  return n === undefined ? MISSING : scaled(n, 1000, DECIMAL, 3)
}

export function percent(n: number | undefined): string {
  return n === undefined ? MISSING : `${n.toFixed(2)}%`
}
