/*
 * How a flag is written and what to say about it, for --help (cli/help.ts) and for the man
 * pages (cli/manpage.ts, built from oclif.manifest.json by scripts/build-man.mjs). Both read
 * the command definitions, so a flag is documented the same way in both, and cannot be
 * missing from either. No oclif import: the manifest's plain objects are enough.
 */

/** A flag as oclif's manifest (and its loaded commands) describe it. */
export interface FlagDoc {
  name: string
  char?: string
  type: 'option' | 'boolean'
  /** One line for --help; the man page uses `description` when both are given. */
  summary?: string
  description?: string
  helpGroup?: string
  helpValue?: string | string[]
  options?: readonly string[]
  multiple?: boolean
  default?: unknown
  env?: string
  allowNo?: boolean
  aliases?: string[]
  hidden?: boolean
}

/** A command as the manifest describes it. */
export interface CommandDoc {
  id: string
  summary?: string
  description?: string
  examples?: (string | {description: string; command: string})[]
  flags: Record<string, FlagDoc>
  args?: Record<string, {name: string; description?: string; hidden?: boolean}>
  strict?: boolean
  hidden?: boolean
}

/** The value placeholder: `<duration>`, `<cpu|mem|io>`, `<value>`. */
export function flagValue(f: FlagDoc): string | undefined {
  if (f.type !== 'option') return undefined
  const help = Array.isArray(f.helpValue) ? f.helpValue.join('|') : f.helpValue
  if (help) return help.startsWith('<') ? help : `<${help}>`
  if (f.options && f.options.length > 0) return `<${f.options.join('|')}>`
  return '<value>'
}

/** `-a, --all`, `--[no-]store-container-labels`, `--interval <duration>`, `--filter <value>...`. */
export function flagLabel(f: FlagDoc): string {
  const long = f.type === 'boolean' && f.allowNo ? `--[no-]${f.name}` : `--${f.name}`
  const value = flagValue(f)
  return `${f.char ? `-${f.char}, ` : ''}${long}${value ? ` ${value}` : ''}${f.multiple ? '...' : ''}`
}

/** The default as users type it, or undefined when there is none worth saying. */
function defaultText(f: FlagDoc): string | undefined {
  const d = f.default
  if (d === undefined || d === null || d === false || d === '') return undefined
  if (Array.isArray(d)) return d.length === 0 ? undefined : d.join(',')
  if (typeof d === 'object' || typeof d === 'function') return undefined
  return String(d)
}

/** Facts about a flag after its text: default, environment variable, other spellings. */
export function flagFacts(f: FlagDoc): string[] {
  const facts: string[] = []
  const d = defaultText(f)
  if (d !== undefined) facts.push(`default: ${d}`)
  if (f.env) facts.push(`env: ${f.env}`)
  if (f.aliases && f.aliases.length > 0) facts.push(`also ${f.aliases.map((a) => `--${a}`).join(', ')}`)
  if (f.options && f.options.length > 0 && !flagValue(f)?.includes('|')) facts.push(`one of: ${f.options.join(', ')}`)
  return facts
}

/** The one-line text of --help: the summary, else the description. */
export function flagSummary(f: FlagDoc): string {
  return (f.summary ?? f.description ?? '').trim()
}

/** The text of a man page: the description, else the summary. */
export function flagDescription(f: FlagDoc): string {
  return (f.description ?? f.summary ?? '').trim()
}

/**
 * Flags that are accepted but not shown (hidden, with a summary saying why they exist): one
 * sentence per summary naming them all, so `--help` and the man page mention them in a line
 * instead of an entry each. A hidden flag without a summary is internal and never mentioned.
 */
export function acceptedOnlyNotes(flags: readonly FlagDoc[]): string[] {
  const bySummary = new Map<string, string[]>()
  for (const f of flags) {
    const why = f.hidden ? f.summary?.trim().replace(/\.$/, '') : undefined
    if (why) bySummary.set(why, [...(bySummary.get(why) ?? []), `--${f.name}`])
  }
  return [...bySummary].map(([why, names]) => `${why}: ${names.join(', ')}.`)
}

/** Words wrapped to `width` columns (a word longer than the width gets a line of its own). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line)
        line = ''
      }
      line = line === '' ? word : `${line} ${word}`
    }
    lines.push(line)
  }
  return lines
}

/**
 * Two columns, the second wrapped: a label, then its text. A label wider than `labelWidth`
 * puts its text on the next line, so long flags do not push every text to the right.
 */
export function twoColumns(rows: readonly [string, string][], width: number, indent = 2, labelWidth = 28): string {
  const left = Math.min(labelWidth, Math.max(0, ...rows.map(([l]) => l.length)))
  const textWidth = Math.max(20, width - indent - left - 2)
  const pad = ' '.repeat(indent + left + 2)
  const out: string[] = []
  for (const [label, text] of rows) {
    const lines = wrapWords(text, textWidth)
    if (label.length > left) {
      out.push(' '.repeat(indent) + label)
      out.push(...lines.filter(Boolean).map((l) => pad + l))
    } else {
      out.push(' '.repeat(indent) + label.padEnd(left) + '  ' + (lines[0] ?? ''))
      out.push(...lines.slice(1).map((l) => pad + l))
    }
  }
  return out.map((l) => l.trimEnd()).join('\n')
}
