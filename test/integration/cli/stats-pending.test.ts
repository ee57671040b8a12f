// `cadv stats` never drops a container silently: a cgroup named like docker's while docker hangs
// shows as pending (its cgroup name, `docker?`, no numbers) until --runtime-wait passes; then
// from its name alone with the mark, and `--once` names it on stderr and exits 3. Needs root
// (real cgroups); docker is a socket that accepts and never answers.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {runCli, startCli} from '../../helpers/cli.js'
import {startHungSocket} from '../../helpers/hung-socket.js'
import {killGroup} from '../../helpers/processes.js'
import {until} from '../../helpers/wait.js'

const skip = realCgroupSkipReason()
const ID = randomBytes(32).toString('hex')

interface Row {
  name: string
  container: string
  factory: string
  id?: string
  pending?: string
  cpuPercent?: number
}

async function withHungDocker(body: (tc: TestCgroups, flags: string[]) => Promise<void>): Promise<void> {
  const tc = new TestCgroups('cadvt-pend')
  const dir = mkdtempSync(join(tmpdir(), 'cadv-pend-'))
  const hung = await startHungSocket(join(dir, 'docker.sock'))
  try {
    // docker's cgroupfs naming: the name says docker owns it.
    tc.mkdir(`docker/${ID}`)
    const flags = [
      '--docker',
      `unix://${hung.path}`,
      '--docker-timeout',
      '200ms',
      '--podman',
      join(dir, 'absent-podman.sock'),
      '--containerd',
      join(dir, 'absent-containerd.sock'),
      '--crio',
      join(dir, 'absent-crio.sock'),
      '--filter',
      `prefix=${tc.root}`,
      '--all',
    ]
    await body(tc, flags)
  } finally {
    await hung.close()
    rmSync(dir, {recursive: true, force: true})
    await tc.cleanup()
  }
}

test('a container waiting for its runtime shows with its cgroup name and the pending mark, never as raw', {skip}, async () => {
  await withHungDocker(async (tc, flags) => {
    const child = startCli(['stats', '--format', 'ndjson', '--interval', '300ms', '--runtime-wait', '10m', ...flags])
    let out = ''
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    try {
      const name = tc.name(`docker/${ID}`)
      const rows = (): Row[] =>
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Row)
      await until('two refreshes with the container', () => rows().filter((r) => r.name === name).length >= 2, {timeoutMs: 30_000})
      for (const r of rows().filter((x) => x.name === name)) {
        assert.deepEqual([r.container, r.factory, r.cpuPercent], [name, 'docker', undefined])
        assert.match(r.pending ?? '', /^docker has not answered \(unreachable: .*no answer within 200 ms|timed out/)
      }
    } finally {
      await killGroup(child)
    }
  })
})

test('past --runtime-wait: shown from its name with the mark; --once names it on stderr and exits 3', {skip}, async () => {
  await withHungDocker(async (tc, flags) => {
    const name = tc.name(`docker/${ID}`)
    const json = await runCli(['stats', '--json', '--interval', '200ms', '--runtime-wait', '1s', ...flags])
    assert.equal(json.code, 3, json.stderr)
    const row = (JSON.parse(json.stdout) as {containers: Row[]}).containers.find((r) => r.name === name)
    assert.deepEqual([row?.container, row?.factory, row?.id], [ID, 'docker', ID], 'the id is all the name says')
    assert.match(row?.pending ?? '', /^docker has not answered/)
    assert.equal(typeof row?.cpuPercent, 'number', 'published: it has numbers')
    assert.match(json.stderr, new RegExp(`^cadv stats: warning: docker has not answered for ${name} within 1 s`, 'm'))
    assert.match(
      json.stderr,
      new RegExp(`^cadv stats: warning: ${name}: docker did not answer within 1 s .*; shown from its name alone$`, 'm'),
    )
    assert.match(json.stderr, /^cadv stats: 1 container without its runtime's answer \(named above\)$/m)

    const table = await runCli(['stats', '--once', '--no-trunc', '--interval', '200ms', '--runtime-wait', '1s', ...flags])
    assert.equal(table.code, 3)
    // CONTAINER, ID, then FACTORY with the mark.
    assert.match(table.stdout, new RegExp(`^${ID}\\s+${ID}\\s+docker\\?\\s`, 'm'), 'the factory carries the mark')
    assert.match(table.stdout, /^\? its runtime has not answered yet/m)
  })
})
