// What `cadv serve --once` with every kind shows on this host, against cAdvisor's 124 families
// (test/fixtures/cadvisor/families.json, commit 6a0c4f25): each family is present, or this
// test names why this host cannot have it, from what the host lacks (so on a host that has
// it, it must be there). The test cgroup does what makes every family real: processes with
// descriptors and sockets in a network namespace of its own (with an interface besides lo),
// a CPU quota, a memory limit, direct I/O under a blkio throttle rule.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {hierarchyForController} from '../../../src/lib/cgroups/index.js'
import {readDimms, readNvmAppDirectBytes} from '../../../src/lib/metrics/machine-hw.js'
import {ALL_KINDS, KINDS, type KindDefinition, type MetricKind} from '../../../src/lib/stats/index.js'
import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {runCli} from '../../helpers/cli.js'
import {parseExposition} from '../../helpers/exposition.js'
import {KNOWN_CADVISOR_LINT, promtoolProblems, promtoolSkipReason} from '../../helpers/promtool.js'
import {until} from '../../helpers/wait.js'

const skip = realCgroupSkipReason()
const FAMILIES = JSON.parse(readFileSync(new URL('../../fixtures/cadvisor/families.json', import.meta.url), 'utf8')) as {
  families: Array<{name: string; kind: string}>
}
let tc: TestCgroups
let work: string

before(async () => {
  if (skip) return
  tc = new TestCgroups('cadvt-fam')
  tc.mkdir()
  tc.mkdir('all')
  tc.write(tc.hierarchy('cpu'), 'all', 'cpu.cfs_quota_us', '50000')
  tc.write(tc.hierarchy('memory'), 'all', 'memory.limit_in_bytes', String(512 * 1024 * 1024))
  // v1 blkio counts a cgroup's I/O only under a throttle rule (kernel 6.x): a rule no one reaches.
  const dev = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((l) => l.split(' ')[4] === '/var/tmp' || l.split(' ')[4] === '/')
    ?.split(' ')[2]
  const blkio = hierarchyForController(tc.layout, 'blkio')
  if (blkio?.version === 1 && dev) tc.write(blkio, 'all', 'blkio.throttle.write_bps_device', `${dev} 1099511627776`)
  work = mkdtempSync('/var/tmp/cadvt-fam-')
  const servers = [
    "const net = require('net'), dgram = require('dgram')",
    "net.createServer().listen(8080, '127.0.0.1')",
    "dgram.createSocket('udp4').bind(9090, '127.0.0.1')",
    'setInterval(() => {}, 1e9)',
  ].join('; ')
  tc.spawnIn('all', 'unshare', [
    '--net',
    'sh',
    '-c',
    [
      'ip link set lo up && ip link add cadv0 type veth peer name cadv1 && ip link set cadv0 up && ip link set cadv1 up',
      // Direct I/O, so the block layer (and blkio) sees it.
      `dd if=/dev/zero of=${join(work, 'f')} bs=1M count=1 oflag=direct 2>/dev/null`,
      `exec ${process.execPath} -e "${servers}"`,
    ].join(' && '),
  ])
  await until('the workload to run', () => tc.read(tc.hierarchy('memory'), 'all', 'cgroup.procs').trim() !== '')
})

after(async () => {
  await tc?.cleanup()
  if (work) rmSync(work, {recursive: true, force: true})
})

const unavailable = (kind: MetricKind): string | undefined =>
  // As serve sets them when every kind is named in --enable-metrics (cpuLoad's reader on).
  (KINDS[kind] as KindDefinition).unavailable?.({layout: tc.layout, sysRoot: '/sys', options: {loadReader: true}})

/** Why this host cannot show a family, or undefined when it must. */
function notHere(name: string, kind: string): string | undefined {
  if (kind !== 'always') {
    const why = unavailable(kind as MetricKind)
    if (why) return why
  }
  const memory = hierarchyForController(tc.layout, 'memory')
  if (/^container_memory_(events_high|events_max|pgscan|pgsteal)_total$/.test(name) && memory?.version === 1)
    return 'the memory controller is on cgroup v1 here: memory.events, pgscan and pgsteal are v2 counters'
  const io = hierarchyForController(tc.layout, 'blkio') ?? hierarchyForController(tc.layout, 'io')
  if (name.startsWith('container_fs_io_cost_') && io?.version === 1) return 'block I/O is on cgroup v1 here: io.cost is a v2 controller'
  if (name.startsWith('machine_dimm_') && readDimms('/sys').length === 0)
    return 'no EDAC memory-controller data in /sys/devices/system/edac'
  if (name === 'machine_cpu_cache_capacity_bytes' && !existsSync('/sys/devices/system/cpu/cpu0/cache'))
    return 'the kernel publishes no CPU caches in /sys/devices/system/cpu/cpu0/cache'
  if (name === 'machine_nvm_capacity' && readNvmAppDirectBytes('/sys') === undefined) return 'no NVDIMM regions in /sys/bus/nd'
  if (name === 'machine_nvm_avg_power_budget_watts') return "an NVDIMM's power budget is known only to Intel's ipmctl library"
  return undefined
}

test('every cAdvisor family is on this host, or the host lacks what it needs', {skip, timeout: 120_000}, async () => {
  // Raw cgroups other than the test's own (other tests' thousands) would only slow the reading.
  const r = await runCli(['serve', '--once', '--enable-metrics', ALL_KINDS.join(','), '--raw-cgroup-prefix-whitelist', tc.root], {
    timeoutMs: 90_000,
  })
  assert.equal(r.code, 0, r.stderr)
  const fams = parseExposition(r.stdout, 'prometheus')
  const missing: string[] = []
  const explained: string[] = []
  for (const f of FAMILIES.families) {
    if ((fams.get(f.name)?.samples.length ?? 0) > 0) continue
    const why = notHere(f.name, f.kind)
    if (why) explained.push(`${f.name}: ${why}`)
    else missing.push(f.name)
  }
  assert.deepEqual(missing, [], 'families neither shown nor explained')
  // Said for the record: what this host cannot show, and why.
  if (explained.length > 0) console.log(`not on this host (${explained.length}):\n  ${explained.join('\n  ')}`)
  // Kinds that cannot collect here said so on stderr (no kind accepted silently).
  for (const k of ALL_KINDS) if (unavailable(k)) assert.ok(r.stderr.includes(`${k}: `), `no line for ${k} on stderr`)
  // promtool finds nothing but the cAdvisor names kept for compatibility (README lists them).
  if (promtoolSkipReason() === undefined)
    assert.deepEqual(
      promtoolProblems(r.stdout).filter((p) => !KNOWN_CADVISOR_LINT.has(p)),
      [],
    )
})
