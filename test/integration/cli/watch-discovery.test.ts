// Cgroup discovery through `cadv watch --once`: a --cgroup-root fixture tree listed as NDJSON,
// and every discovery error reaching the user as one line and status 2 (the library side is in
// test/unit/cgroups/layout.test.ts).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../../helpers/cli.js'

const FIX = fileURLToPath(new URL('../../fixtures/discovery/', import.meta.url))
const ID = '3f2a9c0d1e4b5a6978a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b'

test('cadv watch --once --cgroup-root lists the fixture as NDJSON', async () => {
  const r = await runCli(['watch', '--once', '--cgroup-root', join(FIX, 'hybrid'), '--hierarchy', 'unified'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stderr, '')
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as {name: string; initial: boolean})
  assert.deepEqual(
    lines.map((l) => l.name),
    ['/', '/podman', '/system.slice', `/podman/${ID}`, '/system.slice/containerd.service'],
  )
})

test('errors reach the user as one line and status 2', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cadv-file-'))
  try {
    writeFileSync(join(tmp, 'f'), '')
    const cases: Array<[string[], RegExp]> = [
      [['--cgroup-root', join(tmp, 'f')], /^cadv watch: --cgroup-root .*\/f: not a directory\n$/],
      [['--cgroup-root', join(FIX, 'empty')], /^cadv watch: --cgroup-root .*: no cgroup hierarchy found/],
      [['--proc-root', join(FIX, 'proc-nocgroup')], /^cadv watch: no cgroup filesystem is mounted/],
      [['--proc-root', join(FIX, 'proc-badline')], /^cadv watch: .*mountinfo: mountinfo line 1/],
      [['--proc-root', join(tmp, 'none')], /^cadv watch: cannot read .*\/none\/self\/mountinfo: ENOENT/],
    ]
    for (const [args, message] of cases) {
      const r = await runCli(['watch', '--once', ...args])
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, message)
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1)
      assert.equal(r.stdout, '')
    }
  } finally {
    rmSync(tmp, {recursive: true})
  }
})
