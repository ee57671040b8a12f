/*
 * Man pages (roff, the man macros) from the command definitions and man/*.md prose. The
 * generated parts — NAME, SYNOPSIS, OPTIONS (every flag, grouped as --help groups them),
 * COMMANDS and EXAMPLES — come from oclif.manifest.json, the same definitions --help prints,
 * so a page cannot miss a flag or disagree with --help about it. The prose is a small
 * Markdown subset (paragraphs, `code`, <placeholder>, **bold**, *italic*, bullet and
 * definition lists, indented code) turned into roff here, escaped for troff: no HTML
 * entities, no forced line breaks, no raw markup, nothing troff warns about at 80 columns.
 */
import {acceptedOnlyNotes, flagDescription, flagFacts, flagLabel, type CommandDoc, type FlagDoc} from './reference.js'

/** Sections whose content is generated; a page's prose may add an introduction to them. */
const GENERATED = ['SYNOPSIS', 'OPTIONS', 'COMMANDS', 'EXAMPLES']

/** A Markdown page split into its `## SECTION`s (title line and anything before the first dropped). */
export function parseSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>()
  let current: string | undefined
  let body: string[] = []
  const flush = (): void => {
    if (current !== undefined) sections.set(current, body.join('\n').trim())
  }
  for (const line of markdown.split('\n')) {
    const h = /^##\s+(.+?)\s*$/.exec(line)
    if (h) {
      flush()
      current = h[1]!.toUpperCase()
      body = []
    } else body.push(line)
  }
  flush()
  return sections
}

/** Text escaped for troff: backslashes, a leading dot or quote, non-ASCII as \[uXXXX]. */
export function escapeText(text: string, hyphens = false): string {
  let out = text.replace(/\\/g, '\\e')
  if (hyphens) out = out.replace(/-/g, '\\-')
  out = [...out]
    .map((ch) => (ch.codePointAt(0)! > 126 ? `\\[u${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]` : ch))
    .join('')
  return out
}

/** A line that troff would take for a request if it began with . or ' gets a zero-width start. */
function safeLine(line: string): string {
  return /^[.']/.test(line) ? `\\&${line}` : line
}

/** Inline Markdown to troff: `code` bold, <placeholder> and *emphasis* italic, **strong** bold. */
export function inline(text: string): string {
  const out: string[] = []
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|<([a-zA-Z][\w .|/=:-]*)>|(?<![\w-])(--?(?:\[no-\])?[a-z][\w-]*)/g
  let last = 0
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(escapeText(text.slice(last, m.index)))
    if (m[1] !== undefined) out.push(`\\fB${escapeText(m[1], true)}\\fR`)
    else if (m[2] !== undefined) out.push(`\\fB${escapeText(m[2])}\\fR`)
    else if (m[3] !== undefined) out.push(`\\fI${escapeText(m[3])}\\fR`)
    else if (m[4] !== undefined) out.push(`\\fI<${escapeText(m[4], true)}>\\fR`)
    // A flag named in prose: bold, and a hyphen troff does not break a line at.
    else out.push(`\\fB${escapeText(m[5]!, true)}\\fR`)
    last = m.index + m[0].length
  }
  out.push(escapeText(text.slice(last)))
  // Page references (cadv-stats(1)) in bold, with hyphens that troff does not break at.
  return out
    .join('')
    .replace(
      /(?<![\\\w])([a-z][\w.]*(?:-[\w.]+)*)\(([1-8])\)/g,
      (_, name: string, section: string) => `\\fB${name.replace(/-/g, '\\-')}\\fR(${section})`,
    )
}

/** A paragraph's lines joined (source line breaks are not breaks), as safe troff lines. */
function paragraph(lines: readonly string[]): string {
  return safeLine(inline(lines.map((l) => l.trim()).join(' ')))
}

/** Literal lines (code) for a no-fill block, long ones broken at a space with a shell `\`. */
function literal(lines: readonly string[], width = 66): string[] {
  const out: string[] = []
  for (const raw of lines) {
    let line = raw
    let first = true
    while (line.length > width) {
      const cut = line.lastIndexOf(' ', width - 2)
      if (cut <= 0) break
      out.push(safeLine(escapeText((first ? '' : '  ') + line.slice(0, cut) + ' \\', true)))
      line = line.slice(cut + 1)
      first = false
    }
    out.push(safeLine(escapeText((first ? '' : '  ') + line, true)))
  }
  return out
}

/** Markdown blocks to roff: paragraphs, bullet and definition lists, indented code. */
export function blocksToRoff(markdown: string): string {
  const lines = markdown.replace(/\r/g, '').split('\n')
  const out: string[] = []
  let i = 0
  const blank = (l: string | undefined): boolean => l === undefined || l.trim() === ''
  while (i < lines.length) {
    const line = lines[i]!
    if (blank(line)) {
      i++
      continue
    }
    const fence = /^\s*```/.test(line)
    if (fence || /^ {4,}\S/.test(line)) {
      const code: string[] = []
      if (fence) {
        i++
        while (i < lines.length && !/^\s*```/.test(lines[i]!)) code.push(lines[i++]!)
        i++
      } else {
        while (i < lines.length && (/^ {4,}/.test(lines[i]!) || (blank(lines[i]) && /^ {4,}\S/.test(lines[i + 1] ?? ''))))
          code.push(lines[i++]!)
      }
      const indent = Math.min(...code.filter((l) => !blank(l)).map((l) => /^ */.exec(l)![0].length))
      out.push('.PP', '.RS 4', '.nf', ...literal(code.map((l) => l.slice(fence ? 0 : indent))), '.fi', '.RE')
      continue
    }
    const bullet = /^\s*[*-]\s+(.*)$/.exec(line)
    if (bullet) {
      // One item: its first line, then lines indented deeper than the bullet (or blank between).
      const item = [bullet[1]!]
      i++
      while (
        i < lines.length &&
        !/^\s*[*-]\s+/.test(lines[i]!) &&
        (/^\s{2,}\S/.test(lines[i]!) || (blank(lines[i]) && /^\s{4,}\S/.test(lines[i + 1] ?? '')))
      ) {
        item.push(lines[i++]!.trim())
      }
      const head = item[0]!
      if (head.endsWith(':') && item.length > 1) {
        out.push('.TP', paragraph([head.slice(0, -1)]), paragraph(item.slice(1).filter((l) => l !== '')))
      } else out.push('.IP \\(bu 2', paragraph(item.filter((l) => l !== '')))
      continue
    }
    const para: string[] = []
    while (i < lines.length && !blank(lines[i]) && !/^\s*[*-]\s+/.test(lines[i]!) && !/^ {4,}\S/.test(lines[i]!)) para.push(lines[i++]!)
    out.push('.PP', paragraph(para))
  }
  return out.join('\n')
}

/** One flag as a definition-list item. */
function flagItem(f: FlagDoc): string {
  const label = flagLabel(f)
  const m = /^(.*?)( <.*)?$/.exec(label)!
  const term = `\\fB${escapeText(m[1]!, true)}\\fR${m[2] ? `\\fI${escapeText(m[2], true)}\\fR` : ''}`
  const facts = flagFacts(f)
  const text = `${flagDescription(f)}${facts.length > 0 ? ` (${facts.join('; ')})` : ''}`
  return ['.TP', term, paragraph([text])].join('\n')
}

export interface FlagGroupDoc {
  /** undefined: the command's own flags. */
  group: string | undefined
  flags: FlagDoc[]
}

/** Groups of a command's visible flags, own flags first, in definition order. */
export function groupFlags(cmd: CommandDoc): FlagGroupDoc[] {
  const groups = new Map<string | undefined, FlagDoc[]>()
  for (const [name, f] of Object.entries(cmd.flags)) {
    if (f.hidden) continue
    const g = f.helpGroup?.toUpperCase()
    groups.set(g, [...(groups.get(g) ?? []), {...f, name}])
  }
  return [...groups.entries()]
    .sort((a, b) => (a[0] === undefined ? -1 : b[0] === undefined ? 1 : 0))
    .map(([group, flags]) => ({group, flags}))
}

export interface PageInput {
  /** `cadv-stats`, `cadv`. */
  name: string
  /** NAME line's description. */
  about: string
  synopsis: string
  /** The prose sections from man/<name>.md. */
  prose: Map<string, string>
  /** Generated sections' content (roff), by section name, merged with their prose. */
  generated: Map<string, string>
  version: string
  date: string
}

/** Sections in man(7)'s conventional order; anything else goes before EXIT STATUS. */
const ORDER = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'OPTIONS', '*', 'EXIT STATUS', 'ENVIRONMENT', 'FILES', 'EXAMPLES', 'SEE ALSO']

/** The whole page as roff. */
export function renderPage(p: PageInput): string {
  const names = new Set<string>(['NAME', 'SYNOPSIS', ...p.prose.keys(), ...p.generated.keys()])
  const rank = (s: string): number => {
    const i = ORDER.indexOf(s)
    return i >= 0 ? i : ORDER.indexOf('*')
  }
  const sections = [...names].sort((a, b) => rank(a) - rank(b))
  const out = [
    `.TH "${p.name.toUpperCase()}" "1" "${p.date}" "cadv ${p.version}" "cadv manual"`,
    // Ragged right and no hyphenation: flag names and paths must not be split or stretched.
    '.ad l',
    '.nh',
  ]
  for (const s of sections) {
    out.push(`.SH ${s}`)
    if (s === 'NAME') {
      out.push(`${escapeText(p.name, true)} \\- ${inline(p.about)}`)
      continue
    }
    if (s === 'SYNOPSIS') {
      out.push(`.B ${escapeText(p.synopsis.split(' ')[0]!, true)}`, inline(p.synopsis.split(' ').slice(1).join(' ')))
      continue
    }
    const prose = p.prose.get(s)
    if (prose) out.push(blocksToRoff(prose))
    const generated = p.generated.get(s)
    if (generated) out.push(generated)
  }
  return out.join('\n') + '\n'
}

/** The OPTIONS section of a command's page: own flags, then other groups; shared ones by name. */
export function optionsSection(cmd: CommandDoc, shared: readonly string[]): string {
  const out: string[] = []
  const sharedNames: string[] = []
  for (const {group, flags} of groupFlags(cmd)) {
    if (group !== undefined && shared.includes(group)) {
      sharedNames.push(`${group.toLowerCase()} options (${flags.map((f) => `\`--${f.name}\``).join(', ')})`)
      continue
    }
    if (group !== undefined) out.push(`.SS ${group} OPTIONS`)
    out.push(...flags.map(flagItem))
    const hidden = Object.entries(cmd.flags)
      .filter(([, f]) => f.hidden && f.helpGroup?.toUpperCase() === group)
      .map(([name, f]) => ({...f, name}))
    for (const note of acceptedOnlyNotes(hidden)) out.push('.PP', paragraph([note]))
  }
  if (sharedNames.length > 0) out.push('.PP', paragraph([`Also the ${sharedNames.join(' and the ')}: see cadv(1).`]))
  return out.join('\n')
}

/** The options of one shared group, in full (cadv(1)). */
export function groupOptions(flags: readonly FlagDoc[]): string {
  return flags.map(flagItem).join('\n')
}

/** EXAMPLES from a command's examples: what each does, then the command line. */
export function examplesSection(cmd: CommandDoc, bin: string): string {
  const out: string[] = []
  for (const e of cmd.examples ?? []) {
    const ex = typeof e === 'string' ? {description: '', command: e} : e
    const command = ex.command.replaceAll('<%= config.bin %>', bin).replaceAll('<%= command.id %>', cmd.id.replaceAll(':', ' '))
    if (ex.description) out.push('.PP', paragraph([ex.description.endsWith(':') ? ex.description : `${ex.description}:`]))
    out.push('.PP', '.RS 4', '.nf', ...literal(command.split('\n').map((l) => `$ ${l}`)), '.fi', '.RE')
  }
  return out.join('\n')
}

/** Prose that lists flags as bullets in a generated section: those belong in the definitions. */
export function proseProblems(page: string, prose: Map<string, string>): string[] {
  const problems: string[] = []
  for (const [s, text] of prose) {
    if (!GENERATED.includes(s) && !s.endsWith('OPTIONS')) continue
    if (text && /^\s*[*-]\s+`--?[\w[\]-]+`/m.test(text))
      problems.push(`${page}: ${s} lists flags; they are generated from the flag definitions (put the text in the flag's description)`)
  }
  return problems
}
