// The one-shot scan behind `cadv watch --once` on real cgroupfs, where it reads a directory only
// when its link count says it has subdirectories: it must find what a readdir of every
// directory finds, parents before children, across hierarchies holding different trees.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {nameDepth, parentName, type Hierarchy} from '../../src/lib/cgroups/index.js'
import {createWatcher, isIgnoredCgroup, scanHierarchies} from '../../src/lib/watch/index.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'

const skip = realCgroupSkipReason()

/** Every cgroup under `root` in `h` by a readdir of every directory: what the scan must equal. */
function readEverything(h: Hierarchy, root: string): string[] {
  const out: string[] = [root]
  for (const e of readdirSync(join(h.mountPoint, root), {withFileTypes: true})) {
    if (e.isDirectory() && !isIgnoredCgroup(e.name)) out.push(...readEverything(h, `${root}/${e.name}`))
  }
  return out
}

test('the scan finds every cgroup a full readdir walk finds, parents first, in every hierarchy', {skip}, async () => {
  const t = new TestCgroups('cadvt-scan')
  try {
    const [a, b] = t.hierarchies.filter((h) => h.controllers.length > 0 || h.version === 2)
    t.mkdir('', [a!, ...(b ? [b] : [])])
    // Leaves, a deep chain, a wide parent, a .mount cgroup (ignored) and, in the second
    // hierarchy only, a subtree the first lacks.
    for (const rel of ['leaf', 'x/y/z/w', 'wide/c0', 'wide/c1', 'wide/c2/deeper', 'skip.mount/inside']) t.mkdir(rel, [a!])
    if (b) for (const rel of ['onlyb/p/q', 'x/y/other']) t.mkdir(rel, [b])
    const hs = b ? [a!, b] : [a!]
    const found = scanHierarchies(hs, [t.root])
    const names = [...found.keys()]
    const expected = new Set(hs.flatMap((h) => readEverything(h, t.root)))
    assert.deepEqual([...names].sort(), [...expected].sort())
    assert.ok(!names.some((n) => n.includes('skip.mount')))
    // Parents first, and level by level: no name comes after a deeper one.
    names.forEach((n, i) => {
      const parent = parentName(n)!
      if (n !== t.root) assert.ok(names.indexOf(parent) < i, `${n} before its parent`)
      if (i > 0) assert.ok(nameDepth(names[i - 1]!) <= nameDepth(n), `${n} after a deeper name`)
    })
    if (b) {
      assert.deepEqual([...found.get(`${t.root}/onlyb/p/q`)!], [b.id])
      assert.deepEqual([...found.get(`${t.root}/x/y`)!].sort(), [a!.id, b.id].sort())
    }
    // The watcher's first listing (what `cadv watch` prints at start) holds the same names, in the same order.
    const w = createWatcher({hierarchies: hs, backend: 'poll', prefixes: [t.root], rescanIntervalMs: 0})
    const listed: string[] = []
    w.on('event', (e) => listed.push(e.name))
    await w.start()
    await w.stop()
    assert.deepEqual(listed, names)
  } finally {
    await t.cleanup()
  }
})
