// `cadv watch` on a busy host, with every backend: other processes' cgroups coming and going
// outside the watched prefix never make it exit or lose what is inside; and a container
// removed one hierarchy at a time (as runc does), with gaps, while cadv is starved of CPU
// (stopped and continued), is added once and deleted once.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdirSync, rmdirSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'

import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {Churn} from '../../helpers/churn.js'
import {CADV} from '../../helpers/cli.js'
import {EventLog} from '../../helpers/events.js'
import {killGroup, spawnGroup} from '../../helpers/processes.js'
import type {Hierarchy} from '../../../src/lib/cgroups/index.js'

const skip = realCgroupSkipReason()

/** How long without events before we trust that no duplicate is still on its way. */
const QUIET_MS = {inotify: 300, parcel: 1000, poll: 500} as const

/** `cadv watch` on `hierarchies` under `prefix`, its events in `log`. */
function watch(t: TestCgroups, hs: readonly Hierarchy[], backend: keyof typeof QUIET_MS, log: EventLog) {
  const args = ['watch', '--prefix', t.root, '--watch-backend', backend, '--poll-interval', '100ms', '--rescan-interval', '5s']
  for (const h of hs) args.push('--hierarchy', h.id)
  const child = spawnGroup(process.execPath, [CADV, ...args], {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => log.feed(d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  return {child, stderr: () => stderr}
}

/** Names whose adds and deletes are not exactly one each, with their counts (the first few). */
function inexact(log: EventLog, names: readonly string[]): string[] {
  const tally = log.tally()
  return names
    .filter((n) => {
      const c = tally.get(n)
      return c?.adds !== 1 || c.deletes !== 1
    })
    .slice(0, 5)
    .map((n) => `${n}: ${JSON.stringify(tally.get(n) ?? {adds: 0, deletes: 0})}`)
}

for (const backend of ['inotify', 'parcel', 'poll'] as const) {
  describe(`cadv watch --watch-backend ${backend} on a busy host`, {skip}, () => {
    test('churn outside the prefix: no exit, no warning, every cgroup inside reported once', async () => {
      const t = new TestCgroups('cadvtch')
      const hs = [t.hierarchy('cpu'), t.hierarchy('memory')]
      t.mkdir('', hs)
      // 1,000 cgroups a second in each hierarchy, elsewhere on the host.
      const churn = new Churn({rate: 1000, hierarchies: hs}).start()
      const log = new EventLog(t.root)
      const w = watch(t, hs, backend, log)
      try {
        await log.until('initial list', () => log.count('ContainerAdd', t.root) === 1, 30_000)
        const names: string[] = []
        for (let round = 0; round < 10; round++) {
          const batch = Array.from({length: 10}, (_, i) => `r${round}-${i}`)
          for (const n of batch) t.mkdir(n, hs)
          names.push(...batch.map((n) => t.name(n)))
          await sleep(300)
          for (const n of batch) t.rmdir(n, hs)
        }
        await log.until('every delete', () => names.every((n) => log.count('ContainerDelete', n) >= 1), 30_000)
        await log.settle(QUIET_MS[backend])
        assert.ok(churn.created > 0, 'the churn ran')
        assert.deepEqual(inexact(log, names), [])
        assert.equal(w.child.exitCode, null, 'still running')
        assert.equal(w.stderr(), '')
      } finally {
        await killGroup(w.child)
        await churn.stop()
        await t.cleanup()
      }
    })

    test('hierarchies removed one at a time with gaps, cadv starved: one add and one delete per container', async () => {
      const t = new TestCgroups('cadvtch')
      const hs = [t.hierarchy('cpu'), t.hierarchy('memory'), t.hierarchy('pids'), t.hierarchy('unified')]
      t.mkdir('', hs)
      const log = new EventLog(t.root)
      const w = watch(t, hs, backend, log)
      let starving = true
      // Stopped for 50–250 ms, then running for 50 ms: events queue up in the kernel and the
      // trees catch up out of step, as on a machine with more runnable work than cores.
      const starve = (async () => {
        while (starving) {
          w.child.kill('SIGSTOP')
          await sleep(50 + Math.random() * 200)
          w.child.kill('SIGCONT')
          await sleep(50)
        }
      })()
      try {
        await log.until('initial list', () => log.count('ContainerAdd', t.root) === 1, 30_000)
        const containers = Array.from({length: 60}, (_, i) => `c${i}`)
        // Each lives about a second: made in each hierarchy in turn, as runc does, then removed
        // from them one by one in a random order with gaps of up to 40 ms.
        await Promise.all(
          containers.map(async (c, i) => {
            await sleep((i % 20) * 50)
            for (const h of hs) {
              mkdirSync(t.dir(h, c))
              await sleep(Math.random() * 10)
            }
            await sleep(1000)
            for (const h of [...hs].sort(() => Math.random() - 0.5)) {
              rmdirSync(t.dir(h, c))
              await sleep(Math.random() * 40)
            }
          }),
        )
        starving = false
        await starve
        const names = containers.map((c) => t.name(c))
        await log.until('every delete', () => names.every((n) => log.count('ContainerDelete', n) >= 1), 30_000)
        await log.settle(QUIET_MS[backend])
        assert.deepEqual(inexact(log, names), [])
        assert.equal(w.stderr(), '')
      } finally {
        starving = false
        await starve
        w.child.kill('SIGCONT')
        await killGroup(w.child)
        await t.cleanup()
      }
    })
  })
}
