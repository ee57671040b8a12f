// Kind process on real cgroups: descriptors, sockets and the open-files limit match /proc.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, readdirSync, readlinkSync} from 'node:fs'

import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {RealReader} from '../../helpers/kinds.js'
import {until} from '../../helpers/wait.js'

const skip = realCgroupSkipReason()
let tc: TestCgroups
let reader: RealReader

before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-proc')
  tc.mkdir()
  tc.mkdir('files')
  tc.mkdir('plain')
  tc.mkdir('sockets')
  reader = new RealReader(tc, ['process'])
})

after(async () => {
  reader?.close()
  await tc?.cleanup()
})

function procsOf(rel: string): number[] {
  return tc.read(tc.hierarchy('pids'), rel, 'cgroup.procs').split('\n').filter(Boolean).map(Number)
}

test('100 opened files show in container_file_descriptors; the soft open-files limit in container_ulimits_soft', {skip}, async () => {
  // bash opens 100 descriptors without close-on-exec, then becomes sleep, which inherits them;
  // the same sleep started the same way without them is the baseline.
  const script = 'ulimit -Sn 4321; for i in $(seq 100); do exec {fd}</dev/null; done; exec sleep 3600'
  tc.spawnIn('files', 'bash', ['-c', script])
  tc.spawnIn('plain', 'bash', ['-c', 'exec sleep 3600'])
  const sleeping = (rel: string): Promise<number> =>
    until(`sleep in ${rel}`, () => {
      const pids = procsOf(rel)
      return pids.length === 1 && readlinkSync(`/proc/${pids[0]}/exe`).endsWith('/sleep') && pids[0]
    })
  const pid = await sleeping('files')
  await sleeping('plain')
  const fds = reader.series('files', 'container_file_descriptors')
  const plain = reader.series('plain', 'container_file_descriptors')
  assert.equal(fds.length, 1)
  assert.equal(fds[0]!.value - plain[0]!.value, 100)
  assert.equal(fds[0]!.value, readdirSync(`/proc/${pid}/fd`).length)
  assert.deepEqual(
    reader.series('files', 'container_sockets').map((s) => s.value),
    [0],
  )
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8')
  assert.match(limits, /^Max open files\s+4321\s/m)
  assert.deepEqual(
    reader.series('files', 'container_ulimits_soft').map((s) => [s.labels.ulimit, s.value]),
    [['max_open_files', 4321]],
  )
})

test('sockets are the descriptors that link to socket:[…], counted over every process', {skip}, async () => {
  const listen = "require('net').createServer().listen(0, '127.0.0.1'); setInterval(() => {}, 1e9)"
  tc.spawnIn('sockets', process.execPath, ['-e', listen])
  tc.spawnIn('sockets', process.execPath, ['-e', listen])
  const truth = await until('two listening processes', () => {
    const pids = procsOf('sockets')
    if (pids.length !== 2) return false
    let sockets = 0
    let fds = 0
    for (const pid of pids) {
      const names = readdirSync(`/proc/${pid}/fd`)
      fds += names.length
      let here = 0
      try {
        for (const n of names) if (readlinkSync(`/proc/${pid}/fd/${n}`).startsWith('socket:')) here++
      } catch {
        // A descriptor closed between the listing and its link (node still starting): not settled yet.
        return false
      }
      if (here === 0 || !readFileSync(`/proc/${pid}/net/tcp`, 'utf8').includes(' 0A ')) return false
      sockets += here
    }
    return {sockets, fds}
  })
  // Node's descriptors settle once it listens; read both sides until they agree.
  await until('cadv to count the same sockets and descriptors', () => {
    const s = reader.sample('sockets')
    return s.processes?.sockets === truth.sockets && s.processes.fds === truth.fds
  })
  assert.ok(truth.sockets >= 2)
})
