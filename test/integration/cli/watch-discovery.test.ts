// Cgroup discovery through `cadv watch --once`: a --cgroup-root fixture tree listed as NDJSON,
// and every discovery error reaching the user as one line and status 2 (the library side is in
// test/unit/cgroups/layout.test.ts).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../../helpers/cli.js'
import {DISCOVERY, DISCOVERY_ID} from '../../helpers/discovery.js'

test('cadv watch --once --cgroup-root lists the fixture as NDJSON', async () => {
  const r = await runCli(['watch', '--once', '--cgroup-root', join(DISCOVERY, 'hybrid'), '--hierarchy', 'unified'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stderr, '')
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as {name: string; initial: boolean})
  assert.deepEqual(
    lines.map((l) => l.name),
    ['/', '/podman', '/system.slice', `/podman/${DISCOVERY_ID}`, '/system.slice/containerd.service'],
  )
})

test('errors reach the user as one line and status 2', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cadv-file-'))
  try {
    writeFileSync(join(tmp, 'f'), '')
    const cases: Array<[string[], RegExp]> = [
      [['--cgroup-root', join(tmp, 'f')], /^cadv watch: --cgroup-root .*\/f: not a directory\n$/],
      [['--cgroup-root', join(DISCOVERY, 'empty')], /^cadv watch: --cgroup-root .*: no cgroup hierarchy found/],
      [['--proc-root', join(DISCOVERY, 'proc-nocgroup')], /^cadv watch: no cgroup filesystem is mounted/],
      [['--proc-root', join(DISCOVERY, 'proc-badline')], /^cadv watch: .*mountinfo: mountinfo line 1/],
      [['--proc-root', join(tmp, 'none')], /^cadv watch: cannot read .*\/none\/self\/mountinfo: no such file or directory/],
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
