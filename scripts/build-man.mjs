// Builds man/<page>.1 from man/<page>.md with marked-man, a maintained ronn-style generator.
import {execFileSync} from 'node:child_process'
import {readdirSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {join} from 'node:path'

const dir = fileURLToPath(new URL('../man', import.meta.url))
const bin = fileURLToPath(new URL('../node_modules/.bin/marked-man', import.meta.url))
const pkg = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], {cwd: join(dir, '..')}).toString())
const pages = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort()
for (const page of pages) {
  const roff = execFileSync(bin, ['--version', `cadv ${pkg.version}`, '--manual', 'cadv manual', join(dir, page)])
  writeFileSync(join(dir, page.replace(/\.md$/, '.1')), roff)
}
console.log(`man: ${pages.map((p) => p.replace(/\.md$/, '(1)')).join(' ')}`)
