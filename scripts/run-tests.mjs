// Runs test/**/*.test.ts with Node's own runner through tsx (Node 20's --test takes no globs).
// `--suite=unit` (integration, e2e; repeatable) runs only test/<suite>/; a bare word keeps the
// files whose path contains it (`npm run test:unit -- golden`); other `--` arguments go to node:
// `npm test -- --test-name-pattern=watch`.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {availableParallelism, tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const SUITES = ['unit', 'integration', 'e2e']
const args = process.argv.slice(2)
const suites = args.filter((a) => a.startsWith('--suite=')).map((a) => a.slice('--suite='.length))
for (const s of suites) {
  if (!SUITES.includes(s)) {
    console.error(`run-tests: unknown suite "${s}" (suites: ${SUITES.join(', ')})`)
    process.exit(2)
  }
}
const only = args.filter((a) => !a.startsWith('--'))
const passThrough = args.filter((a) => a.startsWith('--') && !a.startsWith('--suite='))

// Entries are not followed through symlinks: fixture trees hold /proc-like links that point nowhere.
function walk(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const p = join(dir, e.name)
    return e.isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : []
  })
}

let files = (suites.length > 0 ? suites.flatMap((s) => walk(join(root, 'test', s))) : walk(join(root, 'test')))
  .map((f) => relative(root, f))
  .sort()
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)))
if (files.length === 0) {
  console.error(`run-tests: no test file matches ${[...suites.map((s) => `--suite=${s}`), ...only].join(' ')}`)
  process.exit(1)
}
// A hung test fails after 5 minutes instead of holding CI until its deadline; force-exit ends
// a file whose leaked handles would otherwise keep it alive after its tests are done.
const guards = ['--test-timeout=300000', '--test-force-exit']
// Unit test files share nothing and wait on nothing but the CPU: one per core (node's default is
// one less, which on two cores runs them one at a time). The other suites keep the default: they
// start servers and daemons whose timing an oversubscribed machine stretches.
if (suites.length === 1 && suites[0] === 'unit' && !passThrough.some((a) => a.startsWith('--test-concurrency'))) {
  guards.push(`--test-concurrency=${availableParallelism()}`)
}
// A second reporter (TAP, to a file) gives the counts to check: in CI every prerequisite is
// installed, so a skipped test means a missing install step, not a machine that lacks it.
const tapDir = mkdtempSync(join(tmpdir(), 'cadv-tests-'))
const tapFile = join(tapDir, 'results.tap')
const reporters = [
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
]
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...reporters, ...guards, ...passThrough, ...files], {
  cwd: root,
  stdio: 'inherit',
})
let status = res.status ?? 1
// Counted from the result lines: --test-force-exit can end the process before the TAP
// reporter writes its closing summary.
const skipped = (readFileSync(tapFile, 'utf8').match(/^\s*ok \d+ - .* # SKIP\b/gm) ?? []).length
rmSync(tapDir, {recursive: true, force: true})
if (process.env.CI === 'true' && skipped > 0 && only.length === 0) {
  console.error(
    `run-tests: ${skipped} test(s) skipped under CI=true; CI installs every prerequisite, so nothing may skip (see the skip reasons above)`,
  )
  status = status || 1
}
process.exit(status)
