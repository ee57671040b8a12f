/**
 * A unified diff of two texts by lines, cut short: at most `max` changed lines, each hunk with one
 * line of context, so a failing comparison of large outputs says where and what without the
 * whole body.
 */
export function shortDiff(expected: string, actual: string, labels = ['expected', 'actual'], max = 20): string {
  const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))
  const a = lines(expected)
  const b = lines(actual)
  // The common head and tail need no table; the middle is what the longest common subsequence is for.
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const am = a.slice(head, a.length - tail)
  const bm = b.slice(head, b.length - tail)
  const lcs = Array.from({length: am.length + 1}, () => new Uint32Array(bm.length + 1))
  for (let i = am.length - 1; i >= 0; i--) {
    for (let j = bm.length - 1; j >= 0; j--) {
      lcs[i]![j] = am[i] === bm[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  /** `line`: 1-based, in `expected`; an added line has the number of the line it comes before. */
  const ops: Array<{kind: ' ' | '-' | '+'; text: string; line: number}> = []
  if (head > 0) ops.push({kind: ' ', text: a[head - 1]!, line: head})
  let i = 0
  let j = 0
  while (i < am.length || j < bm.length) {
    const line = head + i + 1
    if (i < am.length && j < bm.length && am[i] === bm[j]) {
      ops.push({kind: ' ', text: am[i++]!, line})
      j++
    } else if (i < am.length && (j === bm.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({kind: '-', text: am[i++]!, line})
    } else {
      ops.push({kind: '+', text: bm[j++]!, line})
    }
  }
  if (tail > 0) ops.push({kind: ' ', text: a[a.length - tail]!, line: a.length - tail + 1})

  const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`]
  const isChange = (k: number): boolean => ops[k] !== undefined && ops[k]!.kind !== ' '
  const changed = ops.filter((o) => o.kind !== ' ').length
  let shown = 0
  let previous = -2
  for (let k = 0; k < ops.length && shown < max; k++) {
    if (!isChange(k) && !isChange(k - 1) && !isChange(k + 1)) continue
    if (k !== previous + 1) out.push(`@@ line ${ops[k]!.line} @@`)
    out.push(`${ops[k]!.kind}${ops[k]!.text}`)
    previous = k
    if (isChange(k)) shown++
  }
  if (changed > shown) out.push(`… ${changed - shown} more changed lines`)
  if (changed === 0 && expected !== actual) out.push('(the texts differ only in their final newline)')
  return out.join('\n')
}
