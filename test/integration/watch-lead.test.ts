// The inotify watcher watches leaves in one hierarchy only (the lead: cpu's), and elsewhere only
// directories that have subdirectories. On real cgroups in cpu, memory and unified: the watches
// it holds, and each add and delete exactly once whatever the order in which hierarchies gain
// and lose a cgroup, including a subdirectory made in a leaf of an unwatched hierarchy first.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdirSync, rmdirSync} from 'node:fs'

import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {EventLog} from '../helpers/events.js'
import {until} from '../helpers/wait.js'
import {countInotifyWatches, createWatcher, type Watcher} from '../../src/lib/watch/index.js'
import type {Hierarchy} from '../../src/lib/cgroups/index.js'

const skip = realCgroupSkipReason()
const QUIET_MS = 150

async function withWatcher(
  everyLeaf: boolean,
  body: (ctx: {t: TestCgroups; w: Watcher; log: EventLog; cpu: Hierarchy; memory: Hierarchy; unified: Hierarchy}) => Promise<void>,
): Promise<void> {
  const t = new TestCgroups('cadvtl')
  const [cpu, memory, unified] = [t.hierarchy('cpu'), t.hierarchy('memory'), t.hierarchy('unified')]
  // The lead last in the list: it is chosen by controller, not by order.
  const hs = [memory, unified, cpu]
  t.mkdir('', hs)
  const log = new EventLog(t.root)
  const w = createWatcher({hierarchies: hs, prefixes: [t.root], pollIntervalMs: 50, rescanIntervalMs: 0, watchEveryLeaf: everyLeaf})
  w.on('event', log.push)
  try {
    await w.start()
    await body({t, w, log, cpu, memory, unified})
  } finally {
    await w.stop()
    await t.cleanup()
  }
}

for (const everyLeaf of [false, true]) {
  test(`${everyLeaf ? 'watchEveryLeaf' : 'default'}: watches on 20 leaves in 3 hierarchies`, {skip}, async () => {
    await withWatcher(everyLeaf, async ({t, log, cpu, memory, unified}) => {
      const rels = Array.from({length: 20}, (_, i) => `c${i}`)
      for (const r of rels) t.mkdir(r, [cpu, memory, unified])
      await log.until('20 adds', () => rels.every((r) => log.count('ContainerAdd', t.name(r)) === 1))
      // The path to the test root (the hierarchy's root, the test root) has subdirectories in
      // every hierarchy: watched everywhere. This process watches nothing else, so the total is exact.
      const path = 3 * t.root.split('/').length
      await until('the watches', () => countInotifyWatches() === path + (everyLeaf ? 60 : 20), {
        detail: () => `${countInotifyWatches()} watches`,
      })
    })
  })
}

test('a cgroup removed from the unwatched hierarchies first, then from the lead: one delete, at the end', {skip}, async () => {
  await withWatcher(false, async ({t, log, cpu, memory, unified}) => {
    t.mkdir('a', [cpu, memory, unified])
    await log.until('+a', () => log.count('ContainerAdd', t.name('a')) === 1)
    t.rmdir('a', [memory, unified])
    await log.settle(QUIET_MS)
    assert.deepEqual(log.sequence(), ['+', '+a'])
    t.rmdir('a', [cpu])
    await log.until('-a', () => log.count('ContainerDelete', t.name('a')) === 1)
    await log.settle(QUIET_MS)
    assert.deepEqual(log.sequence(), ['+', '+a', '-a'])
  })
})

test('a subdirectory made in a leaf, unwatched hierarchies first: found by the lead, deleted when gone from all', {skip}, async () => {
  await withWatcher(false, async ({t, log, cpu, memory, unified}) => {
    t.mkdir('pod', [cpu, memory, unified])
    await log.until('+pod', () => log.count('ContainerAdd', t.name('pod')) === 1)
    // As a runtime in a hurry: the leaf gains a child in the unwatched hierarchies, then in cpu.
    mkdirSync(t.dir(memory, 'pod/ctr'))
    mkdirSync(t.dir(unified, 'pod/ctr'))
    mkdirSync(t.dir(cpu, 'pod/ctr'))
    await log.until('+pod/ctr', () => log.count('ContainerAdd', t.name('pod/ctr')) === 1)
    // The lead loses it first: the unwatched hierarchies still hold it, and now their pod has a
    // watch (it has a subdirectory), so their rmdir is an event of their own.
    rmdirSync(t.dir(cpu, 'pod/ctr'))
    await log.settle(QUIET_MS)
    assert.deepEqual(log.sequence(), ['+', '+pod', '+pod/ctr'])
    rmdirSync(t.dir(memory, 'pod/ctr'))
    rmdirSync(t.dir(unified, 'pod/ctr'))
    await log.until('-pod/ctr', () => log.count('ContainerDelete', t.name('pod/ctr')) === 1)
    await log.settle(QUIET_MS)
    assert.deepEqual(log.sequence(), ['+', '+pod', '+pod/ctr', '-pod/ctr'])
  })
})

test('a subdirectory made only in an unwatched leaf: found by the rescan, and its delete is an event', {skip}, async () => {
  await withWatcher(false, async ({t, w, log, cpu, memory}) => {
    t.mkdir('leaf', [cpu, memory])
    await log.until('+leaf', () => log.count('ContainerAdd', t.name('leaf')) === 1)
    mkdirSync(t.dir(memory, 'leaf/only'))
    await w.reconcile()
    await log.until('+leaf/only', () => log.count('ContainerAdd', t.name('leaf/only')) === 1)
    rmdirSync(t.dir(memory, 'leaf/only'))
    await log.until('-leaf/only', () => log.count('ContainerDelete', t.name('leaf/only')) === 1)
    await log.settle(QUIET_MS)
    assert.deepEqual(log.sequence(), ['+', '+leaf', '+leaf/only', '-leaf/only'])
  })
})

test('a rescan re-reads whole only directories with subdirectories; a leaf that is still one costs an lstat', {skip}, async () => {
  await withWatcher(false, async ({t, w, log, cpu, memory, unified}) => {
    const rels = Array.from({length: 20}, (_, i) => `c${i}`)
    for (const r of rels) t.mkdir(r, [cpu, memory, unified])
    await log.until('20 adds', () => rels.every((r) => log.count('ContainerAdd', t.name(r)) === 1))
    await log.settle(QUIET_MS)
    // The path to the test root ('/' and the root itself, in 3 hierarchies) has subdirectories;
    // the 60 leaves do not.
    const path = 3 * t.root.split('/').length
    const before = w.stats().rereads
    await w.reconcile()
    assert.equal(w.stats().rereads - before, path)
    // A leaf that gained a subdirectory no event told of is re-read, and the subdirectory found.
    mkdirSync(t.dir(memory, 'c3/only'))
    await w.reconcile()
    await log.until('+c3/only', () => log.count('ContainerAdd', t.name('c3/only')) === 1)
  })
})
