/*
 * Names in the order a person expects, numbers by value (`cpu2` before `cpu10`, `eth0.2` before
 * `eth0.100`): the order `a.localeCompare(b, 'en', {numeric: true})` gives for the names sysfs
 * uses (devices, CPUs, caches, NUMA nodes, hugepage sizes), without Intl. The first collation a
 * process asks of Intl makes V8 load ICU's collation data, and those pages stay resident: about
 * 2 MiB of a long-running `cadv serve`'s RSS for sorting a few directory listings at start.
 *
 * Like ICU's root collation: punctuation before digits before letters, letters without regard
 * to case first (lowercase first on a tie), runs of digits by value. Names that differ only in
 * leading zeros are ordered by their characters (ICU orders those its own way; sysfs has none).
 */

/** ICU's root order of the punctuation and symbols a name may hold; others follow them, before digits. */
const PUNCTUATION = '_-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$'

const isDigit = (c: number): boolean => c >= 48 && c <= 57
const isLetter = (ch: string): boolean => ch.toLowerCase() !== ch.toUpperCase()

/** -1, 0 or 1: where `a` goes against `b`. */
export function naturalCompare(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i)
    const cb = b.charCodeAt(j)
    if (isDigit(ca) && isDigit(cb)) {
      const ea = runEnd(a, i)
      const eb = runEnd(b, j)
      const na = stripZeros(a.slice(i, ea))
      const nb = stripZeros(b.slice(j, eb))
      if (na.length !== nb.length) return na.length < nb.length ? -1 : 1
      if (na !== nb) return na < nb ? -1 : 1
      i = ea
      j = eb
      continue
    }
    const wa = weight(a[i]!)
    const wb = weight(b[j]!)
    if (wa[0] !== wb[0]) return wa[0] < wb[0] ? -1 : 1
    if (wa[1] !== wb[1]) return wa[1] < wb[1] ? -1 : 1
    i++
    j++
  }
  if (a.length - i !== b.length - j) return a.length - i < b.length - j ? -1 : 1
  return tieBreak(a, b)
}

function runEnd(s: string, from: number): number {
  let k = from
  while (k < s.length && isDigit(s.charCodeAt(k))) k++
  return k
}

function stripZeros(digits: string): string {
  let k = 0
  while (k < digits.length - 1 && digits[k] === '0') k++
  return digits.slice(k)
}

/** A character's class (punctuation 0, digit 1, letter 2) and its place within it. */
function weight(ch: string): [number, number] {
  if (isDigit(ch.charCodeAt(0))) return [1, ch.charCodeAt(0)]
  if (isLetter(ch)) return [2, ch.toLowerCase().charCodeAt(0)]
  const p = PUNCTUATION.indexOf(ch)
  return [0, p >= 0 ? p : PUNCTUATION.length + ch.charCodeAt(0)]
}

/** Equal but for case or leading zeros: lowercase first, then the characters themselves. */
function tieBreak(a: string, b: string): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    if (a[k] === b[k]) continue
    const la = a[k]!.toLowerCase()
    if (la === b[k]!.toLowerCase()) return a[k] === la ? -1 : 1
    return a[k]! < b[k]! ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}
