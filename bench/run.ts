// `npm run bench`: runs every bench/*.bench.ts (or those whose name contains an argument)
// in its own process, one after another so they do not disturb each other's figures.
// Each benchmark prints its own table, with ratios against a baseline run in the same process.
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
let failed = 0
for (const f of files) {
  console.log(`\n=== ${f} ===`)
  const res = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', `${dir}${f}`], {stdio: 'inherit'})
  if (res.status !== 0) {
    failed++
    console.log(`${f}: exited ${res.status ?? res.signal}`)
  }
}
process.exit(failed > 0 ? 1 : 0)
