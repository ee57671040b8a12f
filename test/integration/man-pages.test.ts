// Every command has a man page whose OPTIONS list exactly the command's own flags
// (global flags live in cadv(1)), so the pages cannot drift from --help. It reads what the build
// writes (oclif.manifest.json, man/*.1), hence an integration test.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'

interface ManifestFlag {
  name: string
  helpGroup?: string
  hidden?: boolean
}
interface Manifest {
  commands: Record<string, {flags: Record<string, ManifestFlag>}>
}

const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as Manifest

/** Flags named in bullet items (`* \`--flag\``) of one `## SECTION` of a page. */
function flagsInSection(page: string, section: string): Set<string> {
  const start = page.indexOf(`## ${section}`)
  if (start < 0) return new Set()
  const rest = page.slice(start + 3)
  const end = rest.indexOf('\n## ')
  const body = end < 0 ? rest : rest.slice(0, end)
  const flags = new Set<string>()
  for (const line of body.split('\n')) {
    if (!/^\s*\*\s/.test(line)) continue
    for (const m of line.matchAll(/`--(\[no-\])?([a-z0-9-]+)/g)) flags.add(m[2]!)
  }
  return flags
}

test('package.json lists every built man page', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {man: string[]}
  const expected = [
    './man/cadv.1',
    ...Object.keys(manifest.commands)
      .sort()
      .map((id) => `./man/cadv-${id.replaceAll(':', '-')}.1`),
  ]
  assert.deepEqual([...pkg.man].sort(), expected.sort())
  for (const p of expected) assert.ok(existsSync(new URL(`../../${p}`, import.meta.url)), `${p} was not built`)
})

for (const [id, cmd] of Object.entries(manifest.commands)) {
  test(`man page of ${id} lists exactly its flags`, () => {
    const file = new URL(`../../man/cadv-${id.replaceAll(':', '-')}.md`, import.meta.url)
    assert.ok(existsSync(file), `man/cadv-${id}.md is missing`)
    const documented = flagsInSection(readFileSync(file, 'utf8'), 'OPTIONS')
    // GLOBAL and RUNTIME flags are shared by several commands and documented once, in cadv(1).
    const own = Object.values(cmd.flags)
      .filter((f) => f.helpGroup !== 'GLOBAL' && f.helpGroup !== 'RUNTIME' && !f.hidden)
      .map((f) => f.name)
    assert.deepEqual([...documented].sort(), own.sort())
  })
}

test('cadv(1) documents the global flags', () => {
  const page = readFileSync(new URL('../../man/cadv.md', import.meta.url), 'utf8')
  const global = new Set<string>()
  for (const cmd of Object.values(manifest.commands))
    for (const f of Object.values(cmd.flags)) if (f.helpGroup === 'GLOBAL') global.add(f.name)
  assert.deepEqual([...flagsInSection(page, 'GLOBAL OPTIONS')].sort(), [...global].sort())
})

test('cadv(1) documents the runtime flags', () => {
  const page = readFileSync(new URL('../../man/cadv.md', import.meta.url), 'utf8')
  const runtime = new Set<string>()
  for (const cmd of Object.values(manifest.commands))
    for (const f of Object.values(cmd.flags)) if (f.helpGroup === 'RUNTIME') runtime.add(f.name)
  assert.deepEqual([...flagsInSection(page, 'RUNTIME OPTIONS')].sort(), [...runtime].sort())
})
