// Kind disk on the real host: `/` reports each mounted block-device filesystem as statfs sees
// it (and its /proc/diskstats counters under diskIO); a cgroup whose process runs chrooted in
// an overlay of its own reports that overlay's writable layer, walked in the background, and
// 20 MB written there raise container_fs_usage_bytes by 20 MB.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync} from 'node:fs'
import {join} from 'node:path'

import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {RealReader} from '../../helpers/kinds.js'
import {until} from '../../helpers/wait.js'
import {DiskUsage} from '../../../src/lib/stats/index.js'

const BUSYBOX = '/bin/busybox'
const skip = realCgroupSkipReason() ?? (existsSync(BUSYBOX) ? undefined : 'busybox is not installed (apt-get install busybox-static)')
let tc: TestCgroups
let reader: RealReader
let usage: DiskUsage
let work: string
const MB = 1024 * 1024

before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-disk')
  tc.mkdir()
  tc.mkdir('layer')
  usage = new DiskUsage({intervalMs: 1000, concurrency: 2})
  reader = new RealReader(tc, ['disk', 'diskIO'], {diskUsage: usage})
  // /var/tmp: a disk filesystem the overlay can sit on (tmpfs /tmp would do too, but not as a device).
  work = mkdtempSync('/var/tmp/cadvt-disk-')
})

after(async () => {
  usage?.stop()
  reader?.close()
  await tc?.cleanup()
  if (work) {
    try {
      execFileSync('umount', ['-l', join(work, 'merged')], {stdio: 'ignore'})
    } catch {
      // not mounted in our namespace: the overlay lived in the process's own
    }
    rmSync(work, {recursive: true, force: true})
  }
})

test("/: every mounted block-device filesystem, with statfs's numbers and the device's diskstats", {skip}, () => {
  const s = reader.sample('/')
  const fs = s.filesystems ?? []
  assert.ok(fs.length > 0, 'at least the root filesystem')
  const root = statfsSync('/')
  const rootDev = execFileSync('findmnt', ['-n', '-o', 'MAJ:MIN', '/'], {encoding: 'utf8'}).trim()
  const mine = fs.find((f) => `${f.major}:${f.minor}` === rootDev)
  assert.ok(mine, `the root filesystem ${rootDev} among ${fs.map((f) => f.device).join(', ')}`)
  assert.equal(mine.limitBytes, root.blocks * root.bsize)
  assert.equal(mine.inodes, root.files)
  assert.ok(mine.io && mine.io.reads > 0, 'diskstats of the device')
  const series = reader.series('/', 'container_fs_limit_bytes', s)
  assert.ok(series.some((x) => x.labels.device === mine.device && x.value === mine.limitBytes))
  // Sectors come only from diskstats: the root's rows carry them.
  assert.ok(reader.series('/', 'container_fs_sector_reads_total', s).some((x) => x.labels.device === mine.device))
})

test("a process in the host's mount namespace has no writable layer of its own: no series", {skip}, async () => {
  tc.mkdir('host')
  tc.spawnIn('host', 'sleep', ['3600'])
  await until('the process', () => tc.read(tc.hierarchy('memory'), 'host', 'cgroup.procs').trim() !== '')
  assert.equal(reader.sample('host').filesystems, undefined)
  assert.deepEqual(reader.series('host', 'container_fs_usage_bytes'), [])
})

test('a chrooted overlay: its writable layer is walked, and 20 MB written there show', {skip}, async () => {
  for (const d of ['lower/bin', 'upper', 'work', 'merged']) mkdirSync(join(work, d), {recursive: true})
  copyFileSync(BUSYBOX, join(work, 'lower/bin/busybox'))
  const opts = `lowerdir=${work}/lower,upperdir=${work}/upper,workdir=${work}/work`
  // A private mount namespace holding the overlay; the process's root is the overlay, so its
  // mountinfo shows it at /. On SIGUSR1 it writes 20 MB (one process throughout: unshare,
  // sh and chroot each exec the next).
  // (No /dev in the chroot: the bytes come from yes.)
  const write = '/bin/busybox yes | /bin/busybox head -c 20971520 > /big; /bin/busybox sync'
  const script = [
    `mount -t overlay overlay -o ${opts} ${work}/merged`,
    `exec chroot ${work}/merged /bin/busybox sh -c 'trap "${write}" USR1; while :; do /bin/busybox sleep 0.05; done'`,
  ].join('; ')
  const child = tc.spawnIn('layer', 'unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script])
  const before = await until('the layer to be walked', () => {
    const fs = reader.sample('layer').filesystems
    return fs !== undefined && fs.length === 1 && fs[0]!
  })
  const upper = statfsSync(join(work, 'upper'))
  assert.equal(before.limitBytes, upper.blocks * upper.bsize, 'the limit is the size of the filesystem holding the layer')
  assert.ok(before.usageBytes < MB, `an empty layer: ${before.usageBytes}`)
  child.kill('SIGUSR1')
  const after = await until('20 MB more', () => {
    const u = reader.sample('layer').filesystems?.[0]?.usageBytes ?? 0
    return u - before.usageBytes >= 18 * MB && u
  })
  const grown = after - before.usageBytes
  assert.ok(Math.abs(grown - 20 * MB) <= 2 * MB, `grew by ${grown} bytes, 20 MB ± 10 % expected`)
  const series = reader.series('layer', 'container_fs_usage_bytes')
  assert.equal(series.length, 1)
  assert.match(series[0]!.labels.device ?? '', /^\/dev\//)
})
