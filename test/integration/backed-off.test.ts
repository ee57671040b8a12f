// What an idle, backed-off container costs per tick, on real cgroups: its interval is past the
// spec refresh; the parts of unchanged files are reused, and, its subtree empty, the spec is read
// at the quiet checks (every QUIET_CHECK_READINGS ticks): a new limit shows within that many
// ticks. Read that rarely, it keeps no descriptor open.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'

import type {Sample} from '../../src/lib/model/index.js'
import {ContainerCollector, ContainerTracker, OpenFiles, QUIET_CHECK_READINGS, selectKinds, Store} from '../../src/lib/stats/index.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'

const skip = realCgroupSkipReason()
const tc = skip ? undefined : new TestCgroups('cadvt-idle')
after(() => tc?.cleanup())

const PARTS = ['cpu', 'memory', 'diskio', 'pressure'] as const

function collect(c: ContainerCollector, at: number): Sample {
  const s = c.collect(at)
  assert.ok(s, 'sample')
  return s
}

test(
  'ticks past the spec refresh reuse the parts of unchanged files, and a new limit shows within QUIET_CHECK_READINGS ticks',
  {skip},
  () => {
    const t = tc!
    t.mkdir('idle')
    const files = new OpenFiles(64)
    // Ticks 60 s apart against a 30 s refresh: a container backed off to the ceiling.
    const c = new ContainerCollector(t.name('idle'), {layout: t.layout, kinds: selectKinds(), files, specRefreshMs: 30_000})
    try {
      collect(c, 0)
      const a = collect(c, 60_000)
      const b = collect(c, 120_000)
      const reused = PARTS.filter((k) => a[k] !== undefined)
      assert.ok(reused.includes('memory') && reused.includes('cpu'), `parts read: ${reused.join(' ')}`)
      for (const k of reused) assert.equal(b[k], a[k], `${k} reused`)

      const mem = t.hierarchy('memory')
      const limit = 64 * 1024 * 1024
      t.write(mem, 'idle', mem.version === 1 ? 'memory.limit_in_bytes' : 'memory.max', String(limit))
      let at = 120_000
      for (let k = 0; k < QUIET_CHECK_READINGS && c.spec?.memoryLimitBytes !== limit; k++) collect(c, (at += 60_000))
      assert.equal(c.spec?.memoryLimitBytes, limit)
    } finally {
      c.close()
      files.closeAll()
    }
  },
)

test('a cgroup made after its collector is read from the next spec refresh on, and its parts are reused after that', {skip}, () => {
  const t = tc!
  const files = new OpenFiles(64)
  const c = new ContainerCollector(t.name('late'), {layout: t.layout, kinds: selectKinds(), files, specRefreshMs: 30_000})
  try {
    assert.equal(c.collect(0), undefined)
    t.mkdir('late')
    assert.equal(c.collect(10_000), undefined, 'not looked for before the refresh')
    assert.ok(collect(c, 30_000).memory, 'found at the refresh')
    const a = collect(c, 90_000)
    const b = collect(c, 150_000)
    assert.equal(b.memory, a.memory)
  } finally {
    c.close()
    files.closeAll()
  }
})

test('a container read less often than every 10 s keeps no descriptor; read often again, it keeps them', {skip}, () => {
  const t = tc!
  t.mkdir('rare')
  const files = new OpenFiles(64)
  // Every file read at every tick (an empty cgroup's CPU and disk files are otherwise left
  // unread, so not opened again: quiet-parts.test.ts), so each read keeps what it kept before.
  const c = new ContainerCollector(t.name('rare'), {layout: t.layout, kinds: selectKinds(), files, quietParts: false})
  const store = new Store()
  const tracker = new ContainerTracker({name: t.name('rare'), samples: [], firstSeenMs: 0}, c, store, {
    onSample: () => undefined,
    onWarning: (m) => assert.fail(m),
  })
  try {
    tracker.tick(1000)
    const kept = files.openCount
    assert.ok(kept > 0, 'kept at 1 s')
    tracker.tick(60_000)
    assert.equal(files.openCount, 0, 'none kept at 60 s, and the ones kept before closed')
    const opens = files.stats.opens
    tracker.tick(60_000)
    assert.ok(files.stats.opens > opens, 'each read opens its files')
    assert.equal(files.openCount, 0)
    assert.ok(store.latest(t.name('rare'))?.memory, 'and still reads them')
    tracker.tick(2000)
    assert.equal(files.openCount, kept, 'kept again at 2 s')
  } finally {
    tracker.close()
    files.closeAll()
  }
})
