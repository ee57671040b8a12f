// One duration syntax everywhere (Go's, as cAdvisor's flags), from a module without oclif: the
// fast `cadv resolve` path and the web config reader must not load @oclif/core (about 150 ms).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {runCli} from '../helpers/cli.js'

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

test('a runtime timeout takes the same syntax as --interval: a bare number is refused', async () => {
  // `resolve` goes through the fast path first, `watch` through oclif: both refuse it alike.
  for (const args of [
    ['resolve', '--offline', '--docker-timeout', '2', '/'],
    ['watch', '--resolve', '--podman-timeout', '2'],
  ]) {
    const r = await runCli(args)
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.match(r.stderr, /invalid duration "2": missing unit/)
  }
  const zero = await runCli(['resolve', '--offline', '--crio-timeout', '0', '/'])
  assert.equal(zero.code, 2)
  assert.match(zero.stderr, /must be at least 1ms/)
  const ok = await runCli(['resolve', '--offline', '--docker-timeout', '1m30s', '--containerd-timeout', '250ms', '/'])
  assert.equal(ok.code, 0, ok.stderr)
})
