// Builds man/<page>.1 from the command definitions (oclif.manifest.json, the same source as
// --help) and the prose of man/<page>.md, with dist/lib/cli/manpage.js. A page exists for
// each man/*.md: cadv.md is cadv(1) (commands, shared options), cadv-<command>.md the
// command's. The generated parts are NAME, SYNOPSIS, OPTIONS, COMMANDS and EXAMPLES.
import {readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const {examplesSection, escapeText, groupFlags, groupOptions, inline, optionsSection, parseSections, proseProblems, renderPage} =
  await import(join(root, 'dist/lib/cli/manpage.js'))
const {SHARED_GROUPS} = await import(join(root, 'dist/lib/cli/help-groups.js'))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
const bin = pkg.oclif.bin
const commands = Object.values(manifest.commands)
  .filter((c) => !c.hidden)
  .sort((a, b) => a.id.localeCompare(b.id))
const dir = join(root, 'man')
const pages = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort()
const problems = []
const sentence = (s) => (s ?? '').replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())

for (const file of pages) {
  const name = file.replace(/\.md$/, '')
  const prose = parseSections(readFileSync(join(dir, file), 'utf8'))
  problems.push(...proseProblems(`man/${file}`, prose))
  const generated = new Map()
  let about
  let synopsis
  if (name === bin) {
    about = sentence(pkg.description)
    synopsis = `${bin} <command> [<options>]`
    generated.set(
      'COMMANDS',
      commands
        .map((c) => {
          const id = c.id.replaceAll(':', ' ')
          const page = pages.includes(`${bin}-${c.id.replaceAll(':', '-')}.md`) ? ` See ${bin}-${c.id.replaceAll(':', '-')}(1).` : ''
          return `.TP\n\\fB${escapeText(`${bin} ${id}`, true)}\\fR\n${inline(`${c.summary ?? ''}${page}`)}`
        })
        .join('\n'),
    )
    for (const group of SHARED_GROUPS) {
      const seen = new Map()
      for (const c of commands) for (const g of groupFlags(c)) if (g.group === group) for (const f of g.flags) seen.set(f.name, f)
      generated.set(`${group} OPTIONS`, groupOptions([...seen.values()]))
    }
  } else {
    const id = name.slice(bin.length + 1)
    const cmd = commands.find((c) => c.id.replaceAll(':', '-') === id)
    if (!cmd) {
      problems.push(`man/${file}: no command "${id}" (pages are named ${bin}-<command>.md)`)
      continue
    }
    about = sentence(cmd.summary)
    const args = Object.values(cmd.args ?? {})
      .filter((a) => !a.hidden)
      .map((a) => `[<${a.name}>${cmd.strict === false ? '...' : ''}]`)
    synopsis = [bin, cmd.id.replaceAll(':', ' '), '[<options>]', ...args].join(' ')
    if (!prose.has('DESCRIPTION') && cmd.description) prose.set('DESCRIPTION', cmd.description)
    generated.set('OPTIONS', optionsSection(cmd, SHARED_GROUPS))
    if ((cmd.examples ?? []).length > 0) generated.set('EXAMPLES', examplesSection(cmd, bin))
  }
  const roff = renderPage({name, about, synopsis, prose, generated, version: pkg.version, date: ''})
  writeFileSync(join(dir, `${name}.1`), roff)
}
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(`man: ${pages.map((p) => p.replace(/\.md$/, '(1)')).join(' ')}`)
