// One answer (`cadv stats --once`) finds its containers by a scan and sets no inotify watch
// (6,000 of them at 1,000 containers cost as much as the first readings), while the live
// stream watches every directory it tracks. Watches are read from /proc/<pid>/fdinfo while the
// process runs, on real cgroups.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import type {ChildProcess} from 'node:child_process'

import {countInotifyWatches} from '../../src/lib/watch/index.js'
import {startCli} from '../helpers/cli.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {ABSENT_RUNTIMES} from '../helpers/fast-flags.js'
import {killGroup} from '../helpers/processes.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()

let tc: TestCgroups | undefined
const started: ChildProcess[] = []
before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-oncew')
  tc.mkdir()
  for (let i = 0; i < 5; i++) tc.mkdir(`c${i}`)
  tc.spawnIn('c0', 'sleep', ['600'])
})
after(async () => {
  for (const c of started) await killGroup(c)
  await tc?.cleanup()
})

function run(args: string[]): {child: ChildProcess; stdout: () => string; exited: Promise<number | null>} {
  const child = startCli(['stats', '--filter', `prefix=${tc!.root}`, '--all', ...ABSENT_RUNTIMES, ...args])
  started.push(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return {child, stdout: () => out, exited}
}

test('the live stream watches the directories it tracks (the check below sees watches)', {skip}, async () => {
  const live = run(['--format', 'ndjson', '--interval', '200ms'])
  await until('inotify watches', () => countInotifyWatches(live.child.pid!) > 0, 30_000)
  await killGroup(live.child)
})

test('--once sets no inotify watch, and answers with every container', {skip}, async () => {
  const once = run(['--once', '--format', 'json', '--interval', '5s'])
  let watches = 0
  let done = false
  void once.exited.then(() => (done = true))
  while (!done) {
    watches = Math.max(watches, countInotifyWatches(once.child.pid!))
    await new Promise((r) => setTimeout(r, 10))
  }
  assert.equal(await once.exited, 0)
  assert.equal(watches, 0)
  const rows = (JSON.parse(once.stdout()) as {containers: Array<{name: string}>}).containers.map((r) => r.name)
  for (let i = 0; i < 5; i++) assert.ok(rows.includes(tc!.name(`c${i}`)), rows.join(' '))
})
