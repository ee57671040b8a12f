// The background walker of writable layers: du's numbers (blocks, hard links once, inodes),
// a bound on concurrent walks, one walk per directory set per interval, and nothing after stop.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {DiskUsage, walkDirs} from '../../../src/lib/stats/index.js'
import {until} from '../../helpers/wait.js'

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-du-'))
  mkdirSync(join(dir, 'a/b'), {recursive: true})
  writeFileSync(join(dir, 'a/one'), Buffer.alloc(100_000, 1))
  writeFileSync(join(dir, 'a/b/two'), Buffer.alloc(5000, 2))
  linkSync(join(dir, 'a/one'), join(dir, 'a/b/one-again'))
  symlinkSync('/nowhere', join(dir, 'a/dangling'))
  return dir
}

/** What du -s --apparent-size=no counts: st_blocks of every entry, a hard-linked file once. */
function du(dir: string): {bytes: number; inodes: number} {
  const seen = new Set<string>()
  let bytes = 0
  let inodes = 0
  const visit = (p: string): void => {
    const st = lstatSync(p)
    const id = `${st.dev}:${st.ino}`
    if (!seen.has(id)) {
      seen.add(id)
      bytes += st.blocks * 512
      inodes++
    }
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e))
  }
  visit(dir)
  return {bytes, inodes}
}

test("a walk counts every entry's blocks once, links not followed, and reads the filesystem", async () => {
  const dir = tree()
  try {
    const u = await walkDirs([dir])
    assert.deepEqual({bytes: u.bytes, inodes: u.inodes}, du(dir))
    assert.ok(u.bytes >= 100_000 + 5000)
    assert.ok(u.fsBytes > 0 && u.fsAvailableBytes <= u.fsBytes && u.fsInodesFree <= u.fsInodes)
    // A second directory that does not exist yet (a log directory) is not an error.
    const two = await walkDirs([dir, join(dir, 'no-logs-yet')])
    assert.equal(two.bytes, u.bytes)
    await assert.rejects(walkDirs([join(dir, 'gone')]))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('at most `concurrency` walks at once, each set walked once per interval, none after untrack or stop', async () => {
  const dirs = Array.from({length: 30}, () => tree())
  const usage = new DiskUsage({intervalMs: 60_000, concurrency: 3})
  try {
    dirs.forEach((d, i) => usage.track(`c${i}`, [d]))
    await until('every set walked', () => dirs.every((_, i) => usage.get(`c${i}`) !== undefined))
    assert.ok(usage.peakConcurrency <= 3, `peak ${usage.peakConcurrency}`)
    assert.equal(usage.walks, 30, 'one walk each: the next is an interval away')
    // Tracking the same directories again changes nothing; new directories are walked anew.
    usage.track('c0', [dirs[0]!])
    assert.ok(usage.get('c0'))
    usage.track('c1', [dirs[2]!])
    assert.equal(usage.get('c1'), undefined, 'a result for other directories is not kept')
    await until('c1 walked again', () => usage.get('c1') !== undefined)
    usage.untrack('c2')
    assert.equal(usage.get('c2'), undefined)
  } finally {
    usage.stop()
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  }
})

test('a failed walk is retried later, not at once', async () => {
  const usage = new DiskUsage({intervalMs: 60_000, concurrency: 1})
  try {
    usage.track('x', ['/nonexistent/cadv-test'])
    await until('the failed walk', () => usage.walks === 1 && usage.peakConcurrency === 1)
    await new Promise((r) => setImmediate(r))
    assert.equal(usage.get('x'), undefined)
    assert.equal(usage.walks, 1)
  } finally {
    usage.stop()
  }
})
