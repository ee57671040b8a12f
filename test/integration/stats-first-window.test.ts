// `cadv stats`' first rates come from readings half a second apart, not a whole --interval: on
// real cgroups with a real busy loop, the live table in a terminal shows every rate, and
// `--once --format json` answers with them, long before one 60 s interval could have passed
// (the waits below time out at half of it). The rates stay per second: the busy loop, one
// thread, shows more than 0 % and at most one core (plus rounding), never a window's share.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'

import {CADV, runCli} from '../helpers/cli.js'
import {ABSENT_RUNTIMES} from '../helpers/fast-flags.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {shellWords, Tmux, tmuxSkipReason} from '../helpers/tmux.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()
const INTERVAL = '60s'
const HALF_AN_INTERVAL_MS = 30_000

let tc: TestCgroups | undefined
let tmux: Tmux | undefined
before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-first')
  tc.mkdir()
  tc.mkdir('busy')
  tc.spawnIn('busy', 'sh', ['-c', 'while :; do :; done'])
  tc.mkdir('idle')
  tc.spawnIn('idle', 'sleep', ['600'])
})
after(async () => {
  tmux?.stop()
  await tc?.cleanup()
})

test('--once --format json with a 60 s interval answers with rates from the first half second', {skip}, async () => {
  const args = ['--once', '--format', 'json', '--interval', INTERVAL, '--filter', `prefix=${tc!.root}`, ...ABSENT_RUNTIMES]
  const r = await runCli(['stats', ...args], {
    timeoutMs: HALF_AN_INTERVAL_MS,
  })
  assert.equal(r.signal, null, `killed after ${HALF_AN_INTERVAL_MS} ms: it waited for the interval`)
  assert.equal(r.code, 0, r.stderr)
  const rows = (JSON.parse(r.stdout) as {containers: Array<{name: string; cpuPercent?: number}>}).containers
  const busy = rows.find((row) => row.name === tc!.name('busy'))
  const idle = rows.find((row) => row.name === tc!.name('idle'))
  assert.ok(busy && idle, r.stdout.slice(0, 300))
  assert.ok(busy.cpuPercent !== undefined && busy.cpuPercent > 0 && busy.cpuPercent <= 101, `busy: ${busy.cpuPercent}`)
  assert.ok(idle.cpuPercent !== undefined && idle.cpuPercent < busy.cpuPercent, `idle: ${idle.cpuPercent}`)
})

test('the live table in a terminal shows every rate well before the first 60 s interval', {skip: skip ?? tmuxSkipReason()}, async () => {
  tmux = new Tmux(
    120,
    20,
    shellWords([process.execPath, CADV, 'stats', '--interval', INTERVAL, '--filter', `prefix=${tc!.root}`, ...ABSENT_RUNTIMES]),
  )
  // A row waiting for its runtime's answer shows `--` everywhere, and counts in no collecting line.
  const cpu = await until(
    'a frame with rates',
    () => {
      const screen = tmux!.screen()
      if (screen.some((l) => l.startsWith('collecting'))) return undefined
      const row = screen.find((l) => l.includes('/busy '))
      return row && /\s(\d+(?:\.\d+)?)%\s/.exec(row)?.[1]
    },
    {timeoutMs: HALF_AN_INTERVAL_MS, detail: () => tmux!.screen().join('\n')},
  )
  assert.ok(Number(cpu) > 0 && Number(cpu) <= 101, cpu)
})
