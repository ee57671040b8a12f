// The tcp, udp and advtcp parsers on kernel-format text: states by hex code, UDP queues in the
// kernel's tx:rx order, TcpExt:/Tcp: pairs of lines, and clear errors for what is not.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {emptyTcpStates, parseNetstat, parseTcp, parseUdp} from '../../../../src/lib/stats/kinds/sockets/parse.js'

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:C350 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
`

test('tcp: sockets counted per state', () => {
  assert.deepEqual(parseTcp(TCP, 'tcp'), {...emptyTcpStates(), listen: 1, established: 1, timewait: 1})
  assert.throws(() => parseTcp(`header\n 0: a b 0C x\n`, '/proc/1/net/tcp'), /\/proc\/1\/net\/tcp: line 2: unknown TCP state "0C"/)
})

test('udp: every socket listens; queues split as the kernel writes them (tx:rx); drops summed', () => {
  const text = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  1: 0100007F:2382 00000000:0000 07 00000010:00000200 00:00000000 00000000     0        0 11 2 0000000000000000 3
  2: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 12 2 0000000000000000 0
`
  assert.deepEqual(parseUdp(text, 'udp'), {listen: 2, dropped: 3, txQueued: 16, rxQueued: 512})
})

test('advtcp: the TcpExt: and Tcp: counters cAdvisor reports, by lower-cased name, -1 kept', () => {
  const out = new Map<string, number>()
  parseNetstat('TcpExt: SyncookiesSent TW ArpFilter\nTcpExt: 5 7 9\nIpExt: InNoRoutes\nIpExt: 1\n', 'netstat', out)
  parseNetstat('Ip: Forwarding\nIp: 2\nTcp: RtoAlgorithm MaxConn CurrEstab\nTcp: 1 -1 4\n', 'snmp', out)
  assert.deepEqual(Object.fromEntries(out), {syncookiessent: 5, tw: 7, rtoalgorithm: 1, maxconn: -1, currestab: 4})
  assert.throws(() => parseNetstat('Tcp: A B\nTcp: 1\n', 'snmp', new Map()), /snmp: line 2: 2 names but 1 values/)
})
