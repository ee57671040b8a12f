// The man pages as `man` shows them at 80 columns: every page renders without a troff warning,
// with no HTML entity, no raw Markdown or HTML, no forced break and no line past the width;
// each command's page names every one of its flags, and cadv(1) every command and every
// shared flag. The pages are built from the command definitions (npm run build), so this also
// keeps them equal to --help. It reads what the build writes (oclif.manifest.json, man/*.1),
// hence an integration test.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

interface ManifestFlag {
  name: string
  helpGroup?: string
  hidden?: boolean
  summary?: string
}
interface Manifest {
  commands: Record<string, {id: string; hidden?: boolean; flags: Record<string, ManifestFlag>}>
}

const root = fileURLToPath(new URL('../../', import.meta.url))
const manifest = JSON.parse(readFileSync(`${root}oclif.manifest.json`, 'utf8')) as Manifest
const sources = readdirSync(`${root}man`).filter((f) => f.endsWith('.md'))
const SHARED = ['GLOBAL', 'RUNTIME']
const skip = spawnSync('man', ['--version']).status === 0 ? undefined : 'man is not installed (apt-get install man-db groff-base)'

/** The page as `man` prints it at 80 columns, and what troff said on stderr. */
function render(page: string): {text: string; warnings: string} {
  const r = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', `${root}man/${page}.1`], {
    encoding: 'utf8',
    env: {...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat', MAN_KEEP_FORMATTING: '0', LANG: 'C.UTF-8'},
  })
  // Overstrike bold and underline (x\bx, _\bx) are how man marks type on a terminal; not text.
  return {text: r.stdout.replace(/.\u0008/g, ''), warnings: r.stderr}
}

test('package.json lists a built page for every man/*.md', () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {man: string[]}
  const expected = sources.map((f) => `./man/${f.replace(/\.md$/, '.1')}`).sort()
  assert.deepEqual([...pkg.man].sort(), expected)
  for (const p of expected) assert.ok(existsSync(`${root}${p}`), `${p} was not built`)
})

for (const source of sources) {
  const page = source.replace(/\.md$/, '')
  test(`${page}(1) renders cleanly in man at 80 columns`, {skip}, () => {
    const {text, warnings} = render(page)
    assert.equal(warnings, '', `troff warnings:\n${warnings}`)
    assert.ok(text.includes('NAME') && text.includes('SYNOPSIS'), text.slice(0, 200))
    for (const line of text.split('\n')) assert.ok([...line].length <= 80, `longer than 80: ${line}`)
    for (const raw of [
      /&(quot|amp|lt|gt|apos|#\d+);/,
      /<br\s*\/?>/i,
      /`/,
      /\*\*/,
      /\]\(/,
      /\\f[BIRP]/,
      /\\e/,
      /^\s*\.[A-Z]{1,2}\b/m,
      /^#+ /m,
    ])
      assert.doesNotMatch(text, raw, `raw markup ${raw} in ${page}(1)`)
  })
}

for (const cmd of Object.values(manifest.commands).filter((c) => !c.hidden)) {
  const page = `cadv-${cmd.id.replaceAll(':', '-')}`
  if (!sources.includes(`${page}.md`)) continue
  test(`${page}(1) names every flag of cadv ${cmd.id}`, {skip}, () => {
    const {text} = render(page)
    // A hidden flag with a summary is accepted for cAdvisor's command lines: named in one line.
    for (const f of Object.values(cmd.flags).filter((x) => !x.hidden || x.summary)) {
      const where = f.helpGroup && SHARED.includes(f.helpGroup) ? 'the shared options line' : 'OPTIONS'
      assert.match(text, new RegExp(`--(\\[no-\\])?${f.name}\\b`), `--${f.name} is missing from ${where}`)
    }
  })
}

test('cadv(1) lists every command and documents every shared flag', {skip}, () => {
  const {text} = render('cadv')
  for (const cmd of Object.values(manifest.commands).filter((c) => !c.hidden)) assert.match(text, new RegExp(`cadv ${cmd.id}\\b`))
  const options = text.slice(text.indexOf('GLOBAL OPTIONS'))
  for (const cmd of Object.values(manifest.commands))
    for (const f of Object.values(cmd.flags))
      if (f.helpGroup && SHARED.includes(f.helpGroup)) assert.match(options, new RegExp(`\\n {7}(-\\w, )?--${f.name}\\b`), `--${f.name}`)
})
