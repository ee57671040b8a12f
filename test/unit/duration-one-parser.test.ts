// One duration syntax everywhere (Go's, as cAdvisor's flags), from a module without oclif: the
// fast `cadv resolve` path and the web config reader must not load @oclif/core (about 150 ms).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

/** Every package a module reaches through its relative imports, static and dynamic. */
function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const walk = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/(?:^import[^'"]*?from|^export[^'"]*?from|import\()\s*'([^']+)'/gm)) {
      const spec = m[1]!
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      else if (!spec.startsWith('node:')) packages.add(spec)
    }
  }
  walk(join(SRC, entry))
  return packages
}

test('the fast resolve path and the web config reader do not load oclif', () => {
  for (const entry of ['lib/cli/fast-resolve.ts', 'lib/metrics/web-config.ts', 'lib/util/duration.ts']) {
    assert.ok(!packagesReached(entry).has('@oclif/core'), `${entry} reaches @oclif/core`)
  }
  // Nor what only the long-running commands need.
  const fast = packagesReached('lib/cli/fast-resolve.ts')
  for (const heavy of ['prom-client', 'cli-table3', '@parcel/watcher']) assert.ok(!fast.has(heavy), `the fast path reaches ${heavy}`)
})
