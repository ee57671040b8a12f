/*
 * A strict parser for Prometheus text 0.0.4 and OpenMetrics 1.0 exposition, for tests: it
 * rejects what Prometheus would reject (bad escapes, bad names, interleaved families, duplicate
 * series, missing `# EOF` in OpenMetrics) instead of guessing.
 */
export interface ParsedSample {
  name: string
  labels: Record<string, string>
  value: number
  timestamp?: number
}

export interface ParsedFamily {
  name: string
  type: string
  help: string
  samples: ParsedSample[]
}

export type Format = 'prometheus' | 'openmetrics'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/

function parseValue(s: string, where: string, format: Format): number {
  // 0.0.4 values go through Go's strconv.ParseFloat, which takes nan/inf in any case
  // (prom-client writes `Nan`); OpenMetrics spells them exactly.
  const specials: Record<string, number> = {'+Inf': Infinity, '-Inf': -Infinity, NaN: NaN}
  if (format === 'prometheus') Object.assign(specials, {'+inf': Infinity, inf: Infinity, '-inf': -Infinity, nan: NaN})
  const key = format === 'prometheus' && !(s in specials) ? s.toLowerCase() : s
  if (key in specials) return specials[key]!
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`${where}: bad value "${s}"`)
  return Number(s)
}

/** Parses `{a="b",…}` starting at text[i] === '{'; returns labels and the index after '}'. */
function parseLabels(text: string, i: number, where: string): [Record<string, string>, number] {
  const labels: Record<string, string> = {}
  i++ // {
  while (text[i] !== '}') {
    const m = LABEL_NAME.exec(text.slice(i))
    if (!m) throw new Error(`${where}: bad label name at "${text.slice(i, i + 20)}"`)
    const name = m[0]
    i += name.length
    if (text[i] !== '=' || text[i + 1] !== '"') throw new Error(`${where}: expected =" after ${name}`)
    i += 2
    let value = ''
    for (;;) {
      const c = text[i]
      if (c === undefined) throw new Error(`${where}: unterminated label value`)
      if (c === '"') break
      if (c === '\n') throw new Error(`${where}: raw newline in label value`)
      if (c === '\\') {
        const e = text[i + 1]
        if (e === '\\') value += '\\'
        else if (e === '"') value += '"'
        else if (e === 'n') value += '\n'
        else throw new Error(`${where}: bad escape \\${e}`)
        i += 2
        continue
      }
      value += c
      i++
    }
    i++ // closing quote
    if (name in labels) throw new Error(`${where}: duplicate label ${name}`)
    labels[name] = value
    if (text[i] === ',') i++
    else if (text[i] !== '}') throw new Error(`${where}: expected , or } after label ${name}`)
  }
  return [labels, i + 1]
}

/** Suffixes a sample may add to its family name, per type and format. */
function sampleBelongs(family: ParsedFamily, sample: string, format: Format): boolean {
  const n = family.name
  switch (family.type) {
    case 'counter':
      return format === 'openmetrics' ? sample === `${n}_total` || sample === `${n}_created` : sample === n
    case 'histogram':
      return [`${n}_bucket`, `${n}_sum`, `${n}_count`, `${n}_created`].includes(sample)
    case 'summary':
      return [n, `${n}_sum`, `${n}_count`, `${n}_created`].includes(sample)
    case 'info':
      return sample === `${n}_info`
    default:
      return sample === n
  }
}

export function parseExposition(text: string, format: Format): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>()
  const seriesSeen = new Set<string>()
  let current: ParsedFamily | undefined
  const lines = text.split('\n')
  if (lines.at(-1) !== '') throw new Error('exposition does not end with a newline')
  lines.pop()
  let eof = false
  const family = (name: string, where: string): ParsedFamily => {
    let f = families.get(name)
    if (!f) {
      f = {name, type: 'untyped', help: '', samples: []}
      families.set(name, f)
      current = f
    } else if (f !== current) {
      throw new Error(`${where}: family ${name} is not contiguous`)
    }
    return f
  }
  lines.forEach((line, idx) => {
    const where = `line ${idx + 1}`
    if (eof) throw new Error(`${where}: content after # EOF`)
    if (line === '') {
      if (format === 'openmetrics') throw new Error(`${where}: empty line in OpenMetrics`)
      return
    }
    if (line === '# EOF') {
      if (format !== 'openmetrics') throw new Error(`${where}: # EOF in 0.0.4 text`)
      eof = true
      return
    }
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line)
      if (!m) {
        if (format === 'openmetrics') throw new Error(`${where}: bad comment "${line}"`)
        return
      }
      const f = family(m[2]!, where)
      if (m[1] === 'TYPE') {
        const types =
          format === 'openmetrics'
            ? ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']
            : ['counter', 'gauge', 'histogram', 'summary', 'untyped']
        if (!types.includes(m[3]!)) throw new Error(`${where}: bad type ${m[3]}`)
        if (f.samples.length > 0) throw new Error(`${where}: TYPE after samples of ${f.name}`)
        f.type = m[3]!
      } else if (m[1] === 'HELP') {
        f.help = m[3]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
      }
      return
    }
    const nm = METRIC_NAME.exec(line)
    if (!nm) throw new Error(`${where}: bad metric name in "${line.slice(0, 40)}"`)
    const name = nm[0]
    let i = name.length
    let labels: Record<string, string> = {}
    if (line[i] === '{') [labels, i] = parseLabels(line, i, where)
    if (line[i] !== ' ') throw new Error(`${where}: expected a space before the value`)
    const rest = line.slice(i + 1).split(' ')
    if (rest.length > 2) throw new Error(`${where}: trailing garbage "${rest.slice(2).join(' ')}"`)
    const value = parseValue(rest[0]!, where, format)
    const timestamp = rest[1] === undefined ? undefined : parseValue(rest[1], where, format)
    // The sample belongs to the current family when its name fits; else it opens a new one.
    let f = current && sampleBelongs(current, name, format) ? current : undefined
    if (!f) {
      if (format === 'openmetrics') throw new Error(`${where}: sample ${name} without a matching # TYPE`)
      f = family(name, where)
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    if (seriesSeen.has(key)) throw new Error(`${where}: duplicate series ${key}`)
    seriesSeen.add(key)
    f.samples.push({name, labels, value, ...(timestamp === undefined ? {} : {timestamp})})
  })
  if (format === 'openmetrics' && !eof) throw new Error('OpenMetrics exposition without # EOF')
  return families
}

/** All samples named `name` (across families) whose labels include `match`. */
export function samples(families: Map<string, ParsedFamily>, name: string, match: Record<string, string> = {}): ParsedSample[] {
  const out: ParsedSample[] = []
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) out.push(s)
    }
  }
  return out
}
