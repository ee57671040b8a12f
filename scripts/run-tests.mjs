// Runs every test/**/*.test.ts with Node's own runner through tsx (Node 20's --test takes no
// globs). Extra arguments are passed through: `npm test -- --test-name-pattern=watch`.
import {spawnSync} from 'node:child_process'
import {readdirSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const only = args.filter((a) => !a.startsWith('--'))
const passThrough = args.filter((a) => a.startsWith('--'))

function walk(dir) {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : []
  })
}

let files = walk(join(root, 'test')).map((f) => relative(root, f)).sort()
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)))
// A hung test fails after 5 minutes instead of holding CI until its deadline; force-exit ends
// a file whose leaked handles would otherwise keep it alive after its tests are done.
const guards = ['--test-timeout=300000', '--test-force-exit']
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...guards, ...passThrough, ...files], {
  cwd: root,
  stdio: 'inherit',
})
process.exit(res.status ?? 1)
