// Files on cgroupfs are opened without a stat first (OpenFiles.trustedRoots): the same bytes as
// a plain read, and a child cgroup named like a control file is still an error of that file.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cgroupfsRoots, FileParseError, OpenFiles} from '../../src/lib/stats/index.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'

const skip = realCgroupSkipReason()
const tc = skip ? undefined : new TestCgroups('cadvt-open')
after(() => tc?.cleanup())

test('cgroupfsRoots keeps the cgroupfs mounts and leaves any other directory out', {skip}, () => {
  const other = mkdtempSync(join(tmpdir(), 'cadv-open-'))
  try {
    const mounts = tc!.hierarchies.map((h) => h.mountPoint)
    const roots = cgroupfsRoots([...mounts, other])
    assert.deepEqual(
      roots,
      [...new Set(mounts)].map((m) => `${m}/`),
    )
  } finally {
    rmSync(other, {recursive: true, force: true})
  }
})

test('a trusted open reads what a plain read does; a child cgroup named like a control file is "is a directory"', {skip}, () => {
  const h = tc!.hierarchies[0]!
  tc!.mkdir('c', [h])
  const files = new OpenFiles(4)
  files.trustedRoots = cgroupfsRoots([h.mountPoint])
  const procs = join(tc!.dir(h, 'c'), 'cgroup.procs')
  assert.equal(files.read(procs), readFileSync(procs, 'latin1'))
  assert.equal(files.read(join(tc!.dir(h, 'c'), 'no.such.file')), undefined, 'absent as before')
  // A name no hierarchy has as a control file, so mkdir makes a directory there.
  const odd = 'cadv.stat'
  assert.equal(existsSync(join(tc!.dir(h, 'c'), odd)), false)
  tc!.mkdir(`c/${odd}`, [h])
  assert.throws(
    () => files.read(join(tc!.dir(h, 'c'), odd)),
    (err: unknown) => err instanceof FileParseError && /is a directory$/.test(err.message),
  )
  files.closeAll()
})
