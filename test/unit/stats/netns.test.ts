// Which namespace is the host's, by each rule in turn, and which pid stands for a container's
// namespace, read through the real collector on a fixture tree with a proc root made per test.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {discoverCgroups} from '../../../src/lib/cgroups/index.js'
import {
  ContainerCollector,
  HostNetns,
  HostNetnsError,
  NETNS_LOOK_MS,
  OpenFiles,
  QUIET_CHECK_READINGS,
  hostNetnsFor,
  selectKinds,
} from '../../../src/lib/stats/index.js'

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const FIXED = 0xeffffff9 // the initial network namespace's number on kernels that fix it
const HOST = 4026531840
const OWN = 4026532301

/** A proc root with `ns/net` links for the given pids (`self` included); undefined = no link. */
function procRoot(links: Record<string, number | undefined>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-netns-'))
  cpSync(join(fixtures, 'proc/basic/4242/net'), join(dir, '4242/net'), {recursive: true})
  mkdirSync(join(dir, 'self'), {recursive: true})
  for (const [pid, ino] of Object.entries(links)) {
    mkdirSync(join(dir, pid, 'ns'), {recursive: true})
    if (ino !== undefined) symlinkSync(`net:[${ino}]`, join(dir, pid, 'ns/net'))
  }
  return dir
}

function withProc<T>(links: Record<string, number | undefined>, fn: (proc: string) => T): T {
  const proc = procRoot(links)
  try {
    return fn(proc)
  } finally {
    rmSync(proc, {recursive: true, force: true})
  }
}

test('rule 1: --host-netns names a namespace file or a pid; naming nothing is bad input', () => {
  withProc({1: OWN, 77: HOST}, (proc) => {
    assert.equal(new HostNetns({procRoot: proc, override: '77'}).get().inode, HOST)
    assert.equal(new HostNetns({procRoot: proc, override: '77'}).get().how, '--host-netns 77')
    const file = join(proc, 'nsfile')
    writeFileSync(file, '')
    const a = new HostNetns({procRoot: proc, override: file}).get()
    assert.equal(typeof a.inode, 'number')
    assert.throws(
      () => new HostNetns({procRoot: proc, override: '/nonexistent/ns'}),
      (e: unknown) => e instanceof HostNetnsError && e.exitCode === 2 && /cannot read \/nonexistent\/ns \(ENOENT\)/.test(e.message),
    )
  })
})

test("rule 2: the kernel's fixed number for the initial namespace wins over PID 1", () => {
  withProc({self: FIXED, 1: OWN}, (proc) => {
    const a = new HostNetns({procRoot: proc}).get()
    assert.deepEqual([a.inode, a.pid], [FIXED, 'self'])
  })
})

test('rule 3: PID 1, when cadv is in a namespace with a dynamic number', () => {
  withProc({self: OWN, 1: HOST}, (proc) => {
    const a = new HostNetns({procRoot: proc}).get()
    assert.deepEqual([a.inode, a.pid], [HOST, 1])
  })
})

/** A /proc/<pid>/stat line with the given flags (PF_KTHREAD is 0x00200000). */
function stat(proc: string, pid: number, flags: number): void {
  writeFileSync(join(proc, String(pid), 'stat'), `${pid} (x y) S 2 0 0 0 -1 ${flags} 0 0 0 0 0 0 0 0 20 0 1 0 25\n`)
}

test('rule 4: PID 1 unreadable, a kernel thread of the root cgroup; rule 5: nothing readable, unknown', () => {
  withProc({self: OWN, 1: undefined, 2: undefined, 8: OWN, 9: HOST}, (proc) => {
    const procs = join(proc, 'root.procs')
    writeFileSync(procs, '1\n2\n8\n9\n')
    stat(proc, 2, 0x208040) // a kernel thread whose link cannot be read
    stat(proc, 8, 0x400100) // a user process in the root cgroup: it may be in any namespace (cadv's own)
    stat(proc, 9, 0x208040)
    const a = new HostNetns({procRoot: proc, rootProcs: ['/nonexistent/cgroup.procs', procs]}).get()
    assert.deepEqual([a.inode, a.pid], [HOST, 9])
    const none = new HostNetns({procRoot: proc, rootProcs: []}).get()
    assert.equal(none.inode, undefined)
    assert.match(none.how, /^unknown: .*--host-netns/)
  })
})

/** The network part of a raw cgroup's sample (/docker/c1 holds pids 4242 and 4243), and of `/`. */
function network(proc: string, name = '/docker/c1', override?: string): string[] | undefined {
  const layout = discoverCgroups({cgroupRoot: fixtures + 'cgroup_v1/separate', procRoot: proc})
  const c = new ContainerCollector(name, {
    layout,
    kinds: selectKinds(['network']),
    files: new OpenFiles(8),
    hostNetns: hostNetnsFor(layout, override),
  })
  try {
    return c.collect(1000)?.network?.map((i) => i.name)
  } finally {
    c.close()
  }
}

test('a raw cgroup has network numbers only when its process has a readable namespace other than the host', () => {
  withProc({self: OWN, 1: HOST, 4242: OWN + 1}, (proc) => assert.deepEqual(network(proc), ['eth0', 'eth1'], 'own namespace'))
  withProc({self: OWN, 1: HOST, 4242: HOST}, (proc) => assert.equal(network(proc), undefined, "the host's namespace"))
  withProc({self: OWN, 1: HOST, 4242: undefined}, (proc) => assert.equal(network(proc), undefined, 'unreadable: may be the host'))
  withProc({self: OWN, 1: undefined, 4242: OWN + 1}, (proc) =>
    assert.equal(network(proc), undefined, 'the host unknown: any namespace may be it'),
  )
  // cadv itself in a namespace of its own, PID 1 unreadable: the flag tells.
  withProc({self: OWN, 1: undefined, 4242: OWN + 1, 55: HOST}, (proc) =>
    assert.deepEqual(network(proc, '/docker/c1', '55'), ['eth0', 'eth1']),
  )
})

/**
 * A network collector for /docker/c1 on a copy of the v1 fixture tree (tests rewrite its task
 * lists), with /proc's namespace links as given; `dir` is the copy's pids cgroup of c1.
 */
function withNetworkCollector(
  fn: (proc: string, dir: string, names: (now: number) => string[] | undefined, root: string) => void,
  kinds: readonly string[] = ['network'],
): void {
  withProc({self: OWN, 1: HOST, 4242: OWN + 1, 4243: HOST}, (proc) => {
    const root = mkdtempSync(join(tmpdir(), 'cadv-netns-cg-'))
    try {
      cpSync(fixtures + 'cgroup_v1/separate', root, {recursive: true})
      const layout = discoverCgroups({cgroupRoot: root, procRoot: proc})
      const c = new ContainerCollector('/docker/c1', {
        layout,
        kinds: selectKinds(kinds),
        files: new OpenFiles(8),
        hostNetns: hostNetnsFor(layout),
      })
      try {
        fn(proc, join(root, 'pids/docker/c1'), (now) => c.collect(now)?.network?.map((i) => i.name), root)
      } finally {
        c.close()
      }
    } finally {
      rmSync(root, {recursive: true, force: true})
    }
  })
}

test("read less often than every 30 s (backed off), a raw cgroup's decision stands for QUIET_CHECK_READINGS readings", () => {
  withNetworkCollector((_proc, dir, names) => {
    writeFileSync(join(dir, 'cgroup.procs'), '4242\n4243\n')
    writeFileSync(join(dir, 'pids.current'), '2\n')
    let t = 1000
    assert.deepEqual(names(t), ['eth0', 'eth1'], "4242's own namespace")
    // The list changes with the same count: readings a minute apart keep the decision...
    writeFileSync(join(dir, 'cgroup.procs'), '4243\n4244\n')
    for (let k = 1; k < QUIET_CHECK_READINGS; k++) assert.deepEqual(names((t += 60_000)), ['eth0', 'eth1'], `kept at reading ${k}`)
    // ...until it has stood for QUIET_CHECK_READINGS of them.
    assert.equal(names((t += 60_000)), undefined, 'decided again')
  })
})

test("a raw cgroup's decision stands between ticks while its task count, first process and its namespace stay, and is made again when one moves or after 30 s", () => {
  withNetworkCollector((proc, dir, names) => {
    writeFileSync(join(dir, 'cgroup.procs'), '4242\n4243\n')
    writeFileSync(join(dir, 'pids.current'), '2\n')
    assert.deepEqual(names(1000), ['eth0', 'eth1'], "4242's own namespace")
    // The list changes with the same count: the decision stands (until the bound)...
    writeFileSync(join(dir, 'cgroup.procs'), '4243\n4244\n')
    assert.deepEqual(names(2000), ['eth0', 'eth1'], 'same count, first process still there: kept')
    // ...and is made again once it is 30 s old and has stood for QUIET_CHECK_READINGS
    // readings: 4243 is in the host's namespace.
    for (let k = 2, t = 2000; k < QUIET_CHECK_READINGS; k++) assert.deepEqual(names((t += 1000)), ['eth0', 'eth1'], 'kept')
    assert.equal(names(31_000), undefined, 'decided again after 30 s')
    // A count that moves means deciding again at once.
    writeFileSync(join(dir, 'cgroup.procs'), '4242\n')
    assert.equal(names(32_000), undefined, 'same count: the last decision stands')
    writeFileSync(join(dir, 'pids.current'), '1\n')
    assert.deepEqual(names(33_000), ['eth0', 'eth1'], 'count moved: decided again')
    // The first process gone with the count unchanged: decided again (4243 now in a namespace
    // of its own, whose numbers only a new decision reads).
    mkdirSync(join(proc, '4243/net'))
    const dev = readFileSync(join(proc, '4242/net/dev'), 'latin1')
    writeFileSync(join(proc, '4243/net/dev'), dev.replace(/\beth(\d):/g, 'wlan$1:'))
    rmSync(join(proc, '4243/ns/net'))
    symlinkSync(`net:[${OWN + 2}]`, join(proc, '4243/ns/net'))
    writeFileSync(join(dir, 'cgroup.procs'), '4243\n')
    rmSync(join(proc, '4242'), {recursive: true})
    assert.deepEqual(names(34_000), ['wlan0', 'wlan1'], 'first process gone: decided again')
    // The first process enters another namespace (setns) with nothing else moving: decided again.
    rmSync(join(proc, '4243/ns/net'))
    symlinkSync(`net:[${HOST}]`, join(proc, '4243/ns/net'))
    assert.equal(names(35_000), undefined, "first process now in the host's namespace: decided again")
  })
})

test("with the CPU part read, a kept decision's process is looked at again only once the cgroup's CPU time moved, or after NETNS_LOOK_MS", () => {
  withNetworkCollector(
    (proc, dir, names, root) => {
      writeFileSync(join(dir, 'cgroup.procs'), '4242\n4243\n')
      writeFileSync(join(dir, 'pids.current'), '2\n')
      const acct = join(root, 'cpuacct/docker/c1')
      let cpuNs = 3e9
      /** The cgroup's processes ran: its CPU counters move. */
      const ran = (): void => {
        cpuNs += 1e6
        writeFileSync(join(acct, 'cpuacct.usage'), `${cpuNs}\n`)
        writeFileSync(join(acct, 'cpuacct.usage_percpu'), `${cpuNs - 1e9} 1000000000 \n`)
      }
      const enter = (ino: number): void => {
        rmSync(join(proc, '4242/ns/net'))
        symlinkSync(`net:[${ino}]`, join(proc, '4242/ns/net'))
      }
      ran()
      let t = 1000
      assert.deepEqual(names(t), ['eth0', 'eth1'], "4242's own namespace")
      // A link that moved with no CPU time moving cannot be a process's doing (a fixture's only):
      // the decision stands without a look, within NETNS_LOOK_MS.
      enter(HOST)
      assert.deepEqual(names((t += 1000)), ['eth0', 'eth1'], 'CPU time still: not looked at')
      // It ran (setns): looked at, in the host's namespace now.
      ran()
      assert.equal(names((t += 1000)), undefined, 'CPU time moved: looked at, decided again')
      enter(OWN + 1)
      ran()
      assert.deepEqual(names((t += 1000)), ['eth0', 'eth1'], 'back in its own')
      // Nothing moves at all: the bound looks anyway.
      enter(HOST)
      assert.deepEqual(names((t += 1000)), ['eth0', 'eth1'], 'within the bound: kept')
      assert.equal(names((t += NETNS_LOOK_MS)), undefined, 'past the bound: looked at')
    },
    ['cpu', 'network'],
  )
})
