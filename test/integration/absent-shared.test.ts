// Every cgroup below a v1 hierarchy's root has the same files, so a file one container's open
// found absent there is not opened again by the others' first readings for a moment (at
// start-up, 10,000 containers read for the first time within seconds: the blkio scheduler files
// no kernel here has were 40,000 failed opens). Only the absence of a file in a directory that is
// still there is shared: a removed cgroup's files are absent too, and that says nothing about
// the others'. On real cgroups, with OpenFiles telling every read.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'

import type {Sample} from '../../src/lib/model/index.js'
import {ABSENT_LOOK_SHARED_MS, cgroupfsRoots, ContainerCollector, OpenFiles, selectKinds} from '../../src/lib/stats/index.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'

const skip = realCgroupSkipReason()
const tc = skip ? undefined : new TestCgroups('cadvt-absent')
after(() => tc?.cleanup())

/** OpenFiles noting, per path, the reads that found the file absent and those that found it. */
class TellingFiles extends OpenFiles {
  readonly absent = new Set<string>()
  readonly found = new Set<string>()
  protected override noteRead(path: string, _keep: boolean, found: boolean): void {
    ;(found ? this.found : this.absent).add(path)
  }
}

function collector(t: TestCgroups, rel: string, files: OpenFiles, foundIn?: ReadonlySet<string>): ContainerCollector {
  return new ContainerCollector(t.name(rel), {
    layout: t.layout,
    kinds: selectKinds(),
    files,
    quietParts: false,
    ...(foundIn ? {foundIn} : {}),
  })
}

/** The v1 hierarchy holding `path`, and the file's name in the container's directory there. */
function placeOf(t: TestCgroups, rel: string, path: string): {id: string; file: string} | undefined {
  for (const h of t.hierarchies) {
    const dir = `${t.dir(h, rel)}/`
    if (h.version === 1 && path.startsWith(dir) && !path.slice(dir.length).includes('/')) return {id: h.id, file: path.slice(dir.length)}
  }
  return undefined
}

test(
  "a file absent in one container's v1 directory is not opened by another's first reading; a removed cgroup's absent files are not shared",
  {skip},
  (ctx) => {
    const t = tc!
    const files = new TellingFiles(256)
    files.trustedRoots = cgroupfsRoots(t.layout.hierarchies.map((h) => h.mountPoint))
    const made: ContainerCollector[] = []
    try {
      // Two first readings within the shared window (a loaded host may stretch one pair past it).
      let shared: Array<{id: string; file: string}> = []
      let second = ''
      for (let attempt = 0; attempt < 5; attempt++) {
        const [a, b] = [`a${attempt}`, `b${attempt}`]
        t.mkdir(a)
        t.mkdir(b)
        files.absent.clear()
        const at = Date.now()
        const ca = collector(t, a, files)
        made.push(ca)
        assert.ok(ca.collect(at), 'first sample')
        shared = [...files.absent].map((p) => placeOf(t, a, p)).filter((x) => x !== undefined)
        files.absent.clear()
        const cb = collector(t, b, files)
        made.push(cb)
        assert.ok(cb.collect(Date.now()), 'second sample')
        if (Date.now() - at < ABSENT_LOOK_SHARED_MS / 2) {
          second = b
          break
        }
      }
      if (shared.length === 0) return ctx.skip('no file of the default kinds is absent in a v1 hierarchy on this kernel')
      assert.ok(second !== '', 'two first readings within the shared window')
      const again = [...files.absent].map((p) => placeOf(t, second, p)).filter((x) => x !== undefined)
      for (const s of shared)
        assert.ok(!again.some((x) => x.id === s.id && x.file === s.file), `${s.id}/${s.file} opened again by the second container`)

      // A cgroup removed after the watcher saw it: every file there is absent to an open.
      t.mkdir('gone')
      t.rmdir('gone')
      t.mkdir('next')
      const ids = new Set(t.hierarchies.map((h) => h.id))
      const gone = collector(t, 'gone', files, ids)
      made.push(gone)
      files.absent.clear()
      files.found.clear()
      gone.collect(Date.now())
      const absentThere = [...files.absent].map((p) => placeOf(t, 'gone', p)).filter((x) => x !== undefined)
      const notShared = absentThere.filter((y) => !shared.some((z) => z.id === y.id && z.file === y.file))
      assert.ok(
        notShared.some((x) => x.file.startsWith('memory.') || x.file.startsWith('cpuacct.')),
        `the removed cgroup's reads: ${absentThere.map((x) => x.file).join(' ')}`,
      )
      const next = collector(t, 'next', files)
      made.push(next)
      const s: Sample | undefined = next.collect(Date.now())
      assert.ok(s?.memory !== undefined && s.cpu !== undefined, 'the next container has its memory and cpu parts')
      const foundNext = [...files.found].map((p) => placeOf(t, 'next', p)).filter((x) => x !== undefined)
      // What a first reading there reads: a collector whose files are not taken as cgroupfs shares nothing.
      const plain = new TellingFiles(256)
      t.mkdir('ref')
      const ref = collector(t, 'ref', plain)
      made.push(ref)
      ref.collect(Date.now())
      plain.closeAll()
      const reads = new Set([...plain.found].map((p) => placeOf(t, 'ref', p)?.file))
      assert.ok(
        notShared.some((x) => reads.has(x.file)),
        'a file absent in the removed cgroup is read in a present one',
      )
      for (const x of notShared.filter((y) => reads.has(y.file)))
        assert.ok(
          foundNext.some((y) => y.id === x.id && y.file === x.file),
          `${x.id}/${x.file} read in the next container`,
        )
    } finally {
      for (const c of made) c.close()
      files.closeAll()
    }
  },
)
