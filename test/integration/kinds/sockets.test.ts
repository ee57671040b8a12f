// Kinds tcp, udp and advtcp on a real cgroup whose process has a network namespace of its own:
// a listening socket shows in tcp_state="listen", a UDP socket in udp_state="listen", and the
// namespace's TCP counters as /proc/<pid>/net/snmp gives them. A process in the host's
// namespace gives nothing (the host's sockets are not a container's).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {TestCgroups, realCgroupSkipReason} from '../../helpers/cgroups.js'
import {RealReader} from '../../helpers/kinds.js'
import {until} from '../../helpers/wait.js'

const skip = realCgroupSkipReason()
let tc: TestCgroups
let reader: RealReader

before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-sock')
  tc.mkdir()
  tc.mkdir('netns')
  tc.mkdir('host')
  reader = new RealReader(tc, ['tcp', 'udp', 'advtcp'])
})

after(async () => {
  reader?.close()
  await tc?.cleanup()
})

const SERVERS = [
  "const net = require('net'), dgram = require('dgram')",
  "net.createServer().listen(8080, '127.0.0.1')",
  "net.createServer().listen(8081, '::1')",
  "dgram.createSocket('udp4').bind(9090, '127.0.0.1')",
  'setInterval(() => {}, 1e9)',
].join('; ')

test('a listening socket in the container\'s own namespace shows in tcp_state="listen"', {skip}, async () => {
  // A namespace of our own, with only loopback up (network only on namespaces we create).
  const child = tc.spawnIn('netns', 'unshare', ['--net', 'sh', '-c', `ip link set lo up && exec ${process.execPath} -e "${SERVERS}"`])
  const pid = child.pid!
  await until('the servers to listen', () => {
    try {
      return (
        readFileSync(`/proc/${pid}/net/tcp`, 'latin1').includes(':1F90 00000000:0000 0A') &&
        readFileSync(`/proc/${pid}/net/udp`, 'latin1').split('\n').length > 2
      )
    } catch {
      return false
    }
  })
  const tcp = reader.series('netns', 'container_network_tcp_usage_total')
  assert.equal(tcp.find((s) => s.labels.tcp_state === 'listen')?.value, 1)
  assert.equal(tcp.length, 11, 'every state, as cAdvisor')
  assert.equal(reader.series('netns', 'container_network_tcp6_usage_total').find((s) => s.labels.tcp_state === 'listen')?.value, 1)
  const udp = reader.series('netns', 'container_network_udp_usage_total')
  assert.deepEqual(
    udp.map((s) => [s.labels.udp_state, s.value]),
    [
      ['listen', 1],
      ['dropped', 0],
      ['rxqueued', 0],
      ['txqueued', 0],
    ],
  )
  const snmp = readFileSync(`/proc/${pid}/net/snmp`, 'latin1')
    .split('\n')
    .filter((l) => l.startsWith('Tcp:'))
  const names = snmp[0]!.split(' ').slice(1)
  const values = snmp[1]!.split(' ').slice(1).map(Number)
  const adv = reader.series('netns', 'container_network_advance_tcp_stats_total')
  assert.equal(adv.find((s) => s.labels.tcp_state === 'rtomax')?.value, values[names.indexOf('RtoMax')])
  assert.equal(adv.find((s) => s.labels.tcp_state === 'maxconn')?.value, -1)
})

// Where PID 1's namespace link cannot be read (this sandbox), cadv's own namespace stands for
// the host's (the network kind's rule, which the socket kinds share).
test("a process in the host's namespace: no socket series", {skip}, async () => {
  tc.spawnIn('host', 'sleep', ['3600'])
  await until('the process', () => tc.read(tc.hierarchy('memory'), 'host', 'cgroup.procs').trim() !== '')
  assert.equal(reader.sample('host').sockets, undefined)
})
