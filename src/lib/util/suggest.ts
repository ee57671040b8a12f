/*
 * "Did you mean …?" for mistyped words: flags, commands, filter values. One rule everywhere:
 * the closest candidate by edit distance (a swap of two neighbours counts as one edit), if it
 * is close enough to be a typo rather than another word.
 */

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The candidate the user most likely meant, or undefined. A candidate that starts with the
 * word (an abbreviation, `--sor` for `--sort`) wins when it is the only one; otherwise the
 * nearest within a third of the word's length (at least 1, at most 3 edits), ties to the
 * first in the list.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...new Set(candidates)].filter((c) => c !== word)
  const w = word.toLowerCase()
  const prefixed = list.filter((c) => c.toLowerCase().startsWith(w))
  if (w.length >= 2 && prefixed.length === 1) return prefixed[0]
  const limit = Math.min(3, Math.max(1, Math.floor(w.length / 3)))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const c of list) {
    const dist = editDistance(w, c.toLowerCase())
    if (dist < bestDistance) {
      best = c
      bestDistance = dist
    }
  }
  return best
}

/** ` (did you mean X?)`, or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>, format: (c: string) => string = (c) => c): string {
  const c = closest(word, candidates)
  return c === undefined ? '' : ` (did you mean ${format(c)}?)`
}
