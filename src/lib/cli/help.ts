/*
 * What `cadv <command> -h`, `--help` and `cadv help <command>` print: the command's own flags
 * first (in the order they are defined, each with its summary), then any other group of
 * flags it has (by helpGroup), then the global flags, and the flags every command shares
 * about runtimes as one short list of names (`cadv help runtime` prints them in full; serve's
 * storage flags likewise, `cadv help storage`). The
 * groups come from the flag definitions, so a flag added later lands in the right place.
 * Man pages are built from the same definitions (scripts/build-man.mjs).
 */
import {Command, CommandHelp, Help, type Interfaces} from '@oclif/core'

import {BRIEF_GROUPS} from './help-groups.js'
import {acceptedOnlyNotes, flagFacts, flagLabel, flagSummary, twoColumns, wrapWords, type FlagDoc} from './reference.js'

type AnyFlag = Command.Flag.Any

/** Flags in the order help shows them: own, other groups, GLOBAL, then the brief groups. */
export function flagSections(flags: readonly AnyFlag[]): {group: string | undefined; flags: AnyFlag[]}[] {
  const groups = new Map<string | undefined, AnyFlag[]>()
  for (const f of flags) {
    const g = f.helpGroup?.toUpperCase()
    groups.set(g, [...(groups.get(g) ?? []), f])
  }
  const rank = (g: string | undefined): number => (g === undefined ? 0 : g in BRIEF_GROUPS ? 3 : g === 'GLOBAL' ? 2 : 1)
  return [...groups.entries()].sort((a, b) => rank(a[0]) - rank(b[0])).map(([group, list]) => ({group, flags: list}))
}

/** Flags as two columns: how to write each, and what it does (with its default and env). */
export function flagList(flags: readonly FlagDoc[], width: number): string {
  return twoColumns(
    flags.map((f) => {
      const facts = flagFacts(f)
      return [flagLabel(f), `${flagSummary(f)}${facts.length > 0 ? ` [${facts.join('; ')}]` : ''}`]
    }),
    width,
    0,
  )
}

export class CadvCommandHelp extends CommandHelp {
  protected override defaultUsage(): string {
    const args = Object.values(this.command.args ?? {})
      .filter((a) => !a.hidden)
      .map((a) => `[${a.name.toUpperCase()}${this.command.strict === false ? '...' : ''}]`)
    return [this.command.id, '[FLAGS]', ...args].join(' ')
  }

  /** Paragraphs (blank-line separated) reflowed to the width; single newlines are spaces. */
  protected override description(): string | undefined {
    const text = this.command.description
    if (!text) return undefined
    return text
      .split(/\n\s*\n/)
      .map((p) => wrapWords(p.replace(/\s*\n\s*/g, ' '), this.opts.maxWidth - 4).join('\n'))
      .join('\n\n')
  }

  protected override sections(): ReturnType<CommandHelp['sections']> {
    const width = this.opts.maxWidth
    const sections = super.sections().filter((s) => s.header !== 'FLAG DESCRIPTIONS')
    const flagsSection = sections.find((s) => s.header === 'FLAGS')
    if (flagsSection) {
      flagsSection.generate = ({flags}) =>
        flagSections(flags as AnyFlag[]).map(({group, flags: list}) => {
          const brief = group === undefined ? undefined : BRIEF_GROUPS[group]
          if (brief)
            return {
              header: `${brief.title} (${brief.about}; cadv help ${group!.toLowerCase()})`,
              body: wrapWords(list.map((f) => `--${f.name}`).join(' '), width - 2).join('\n'),
            }
          return {header: group === undefined ? 'FLAGS' : `${group} FLAGS`, body: flagList(list as FlagDoc[], width - 2)}
        })
    }
    sections.push({header: 'SEE ALSO', generate: () => `man cadv-${this.command.id}, man cadv`})
    return sections
  }
}

export default class CadvHelp extends Help {
  override CommandHelpClass = CadvCommandHelp

  override async showRootHelp(): Promise<void> {
    const commands = this.sortedCommands.filter((c) => !c.hidden)
    const summary = (c: Command.Loadable): string => c.summary ?? (c.description ?? '').split('\n')[0] ?? ''
    const about = this.config.pjson.description ?? ''
    const width = this.opts.maxWidth - 2
    const lines = [
      ...wrapWords(`${this.config.bin} ${this.config.version}: ${about.charAt(0).toLowerCase()}${about.slice(1)}`, width),
      '',
      this.section('USAGE', `$ ${this.config.bin} <command> [flags]`),
      '',
      this.section(
        'COMMANDS',
        twoColumns(
          commands.map((c) => [c.id.replaceAll(':', ' '), summary(c)]),
          width,
          0,
        ),
      ),
      '',
      this.section(
        'MORE HELP',
        twoColumns(
          [
            [`${this.config.bin} help <command>`, "a command's flags and examples (or: cadv <command> -h)"],
            ...Object.keys(BRIEF_GROUPS).map((g): [string, string] => [
              `${this.config.bin} help ${g.toLowerCase()}`,
              `the ${g.toLowerCase()} flags in full`,
            ]),
            [`man ${this.config.bin}`, 'everything; man cadv-<command> for each command'],
          ],
          width,
          0,
        ),
      ),
    ]
    this.log(lines.join('\n') + '\n')
  }

  /** The flags of one helpGroup in full, from the first command that has them; false if none. */
  async showGroup(name: string): Promise<boolean> {
    const group = name.toUpperCase()
    for (const c of this.sortedCommands) {
      const all = Object.entries(c.flags ?? {})
        .filter(([, f]) => f.helpGroup?.toUpperCase() === group)
        .map(([n, f]) => ({...f, name: n}) as FlagDoc)
      const flags = all.filter((f) => !f.hidden)
      if (flags.length === 0) continue
      const title = BRIEF_GROUPS[group]?.title ?? `${group} FLAGS`
      const notes = acceptedOnlyNotes(all).flatMap((n) => ['', ...wrapWords(n, this.opts.maxWidth - 2)])
      this.log(this.section(title, [flagList(flags, this.opts.maxWidth - 2), ...notes].join('\n')) + '\n')
      return true
    }
    return false
  }

  /** helpGroup names any command has (lower case), for `cadv help <group>` and suggestions. */
  groups(): string[] {
    const names = new Set<string>()
    for (const c of this.config.commands)
      for (const f of Object.values(c.flags ?? {})) if (f.helpGroup) names.add(f.helpGroup.toLowerCase())
    return [...names]
  }
}

export type HelpOptions = Interfaces.HelpOptions
