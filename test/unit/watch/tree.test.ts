// A hierarchy tree's re-reads on a real directory tree: an event that names entries looks at
// those entries only (not the whole directory), a whole re-read finds everything, and a
// same-name re-create is told apart by its inode.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Hierarchy} from '../../../src/lib/cgroups/index.js'
import type {WatchBackend} from '../../../src/lib/watch/backend.js'
import {HierarchyTree} from '../../../src/lib/watch/tree.js'

test('named entries are looked at one by one; a whole re-read finds the rest', () => {
  const root = mkdtempSync(join(tmpdir(), 'cadv-tree-'))
  try {
    const h: Hierarchy = {id: 'memory', version: 1, controllers: ['memory'], mountPoint: root}
    const backend: WatchBackend = {
      name: 'inotify',
      attach: async () => undefined,
      watchDir: () => ({close: () => undefined}),
      stop: async () => undefined,
    }
    const log: string[] = []
    const found: string[] = []
    const dirty: string[] = []
    const tree: HierarchyTree = new HierarchyTree(h, backend, () => true, {
      added: (_, n) => log.push(`add ${n}`),
      deleted: (_, n) => log.push(`delete ${n}`),
      dirty: (_, n) => dirty.push(n),
      found: (_, n) => found.push(n),
      unwatched: () => undefined,
    })
    /** What the watcher does between events: track what was found, scan what is dirty. */
    const settle = (): void => {
      while (found.length > 0 || dirty.length > 0) {
        for (const n of found.splice(0)) tree.track(n)
        for (const n of dirty.splice(0)) tree.reread(n)
      }
    }
    mkdirSync(join(root, 'a'))
    mkdirSync(join(root, 'b'))
    tree.trackRoot()
    settle()
    assert.deepEqual(log.splice(0).sort(), ['add /', 'add /a', 'add /b'])

    mkdirSync(join(root, 'c'))
    mkdirSync(join(root, 'd'))
    tree.reread('/', new Set(['c']))
    settle()
    assert.deepEqual(log.splice(0), ['add /c'], 'only the named entry: d is not listed')

    rmdirSync(join(root, 'a'))
    rmdirSync(join(root, 'b'))
    mkdirSync(join(root, 'b'))
    tree.reread('/', new Set(['a', 'b', 'gone-already']))
    settle()
    assert.deepEqual(log.splice(0), ['delete /a', 'delete /b', 'add /b'], 'a went; b is another directory now')

    tree.reread('/', new Set(['c']), true)
    settle()
    assert.deepEqual(log.splice(0), ['add /d'], 'a whole re-read finds what no event named')

    tree.reread('/')
    settle()
    assert.deepEqual(log.splice(0), [], 'nothing moved: nothing reported')
    rmdirSync(join(root, 'c'))
    mkdirSync(join(root, 'e'))
    tree.reread('/')
    settle()
    assert.deepEqual(log.splice(0), ['delete /c', 'add /e'], 'a whole re-read: removals first, then what is new')
    tree.close()
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})
