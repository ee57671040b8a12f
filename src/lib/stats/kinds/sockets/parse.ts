import {FileParseError} from '../../files.js'
import type {TcpStates, UdpStats} from '../../../model/index.js'

/** The kernel's TCP states (include/net/tcp_states.h), by their hex code in /proc/net/tcp. */
const TCP_STATES: Record<string, keyof TcpStates> = {
  '01': 'established',
  '02': 'synsent',
  '03': 'synrecv',
  '04': 'finwait1',
  '05': 'finwait2',
  '06': 'timewait',
  '07': 'close',
  '08': 'closewait',
  '09': 'lastack',
  '0A': 'listen',
  '0B': 'closing',
}

export function emptyTcpStates(): TcpStates {
  return {
    established: 0,
    synsent: 0,
    synrecv: 0,
    finwait1: 0,
    finwait2: 0,
    timewait: 0,
    close: 0,
    closewait: 0,
    lastack: 0,
    listen: 0,
    closing: 0,
  }
}

/** The whitespace-separated fields of one line, without building an array per line's spaces. */
function fields(line: string): string[] {
  return line.trim().split(/\s+/)
}

/**
 * /proc/<pid>/net/tcp or tcp6: a header line, then one socket a line whose 4th field is its
 * state in hex. Sockets counted per state, as cAdvisor does; an unknown state is an error.
 */
export function parseTcp(text: string, path: string): TcpStates {
  const out = emptyTcpStates()
  const lines = text.split('\n')
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue
    const st = fields(lines[i]!)[3]
    const state = st === undefined ? undefined : TCP_STATES[st.toUpperCase()]
    if (state === undefined) throw new FileParseError(path, `line ${i + 1}: unknown TCP state "${(st ?? '').slice(0, 10)}"`)
    out[state]++
  }
  return out
}

/**
 * /proc/<pid>/net/udp or udp6: every socket counts as listening (cAdvisor's meaning), its
 * `tx_queue:rx_queue` field (hex) adds to the queued bytes and its last field to the drops.
 * cAdvisor adds the first half to rxqueued and the second to txqueued; the kernel writes the
 * transmit queue first, so here each goes where the kernel says.
 */
export function parseUdp(text: string, path: string): UdpStats {
  const out: UdpStats = {listen: 0, dropped: 0, rxQueued: 0, txQueued: 0}
  const lines = text.split('\n')
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue
    out.listen++
    const f = fields(lines[i]!)
    if (f.length < 13) continue
    const q = /^([0-9A-Fa-f]+):([0-9A-Fa-f]+)$/.exec(f[4]!)
    const drops = Number(f[12])
    if (!q || !Number.isInteger(drops) || drops < 0)
      throw new FileParseError(path, `line ${i + 1}: expected "tx_queue:rx_queue" in hex and a drop count`)
    out.txQueued += parseInt(q[1]!, 16)
    out.rxQueued += parseInt(q[2]!, 16)
    out.dropped += drops
  }
  return out
}

/** The TcpExt: and Tcp: counters cAdvisor reports, lower-cased, in its order. */
export const ADVANCED_TCP_STATS = [
  'rtoalgorithm',
  'rtomin',
  'rtomax',
  'maxconn',
  'activeopens',
  'passiveopens',
  'attemptfails',
  'estabresets',
  'currestab',
  'insegs',
  'outsegs',
  'retranssegs',
  'inerrs',
  'outrsts',
  'incsumerrors',
  'embryonicrsts',
  'syncookiessent',
  'syncookiesrecv',
  'syncookiesfailed',
  'prunecalled',
  'rcvpruned',
  'ofopruned',
  'outofwindowicmps',
  'lockdroppedicmps',
  'tw',
  'twrecycled',
  'twkilled',
  'tcptimewaitoverflow',
  'tcptimeouts',
  'tcpspuriousrtos',
  'tcplossprobes',
  'tcplossproberecovery',
  'tcprenorecoveryfail',
  'tcpsackrecoveryfail',
  'tcprenofailures',
  'tcpsackfailures',
  'tcplossfailures',
  'delayedacks',
  'delayedacklocked',
  'delayedacklost',
  'listenoverflows',
  'listendrops',
  'tcphphits',
  'tcppureacks',
  'tcphpacks',
  'tcprenorecovery',
  'tcpsackrecovery',
  'tcpsackreneging',
  'tcpfackreorder',
  'tcpsackreorder',
  'tcprenoreorder',
  'tcptsreorder',
  'tcpfullundo',
  'tcppartialundo',
  'tcpdsackundo',
  'tcplossundo',
  'tcpfastretrans',
  'tcpslowstartretrans',
  'tcplostretransmit',
  'tcpretransfail',
  'tcprcvcollapsed',
  'tcpdsackoldsent',
  'tcpdsackofosent',
  'tcpdsackrecv',
  'tcpdsackoforecv',
  'tcpabortondata',
  'tcpabortonclose',
  'tcpabortonmemory',
  'tcpabortontimeout',
  'tcpabortonlinger',
  'tcpabortfailed',
  'tcpmemorypressures',
  'tcpmemorypressureschrono',
  'tcpsackdiscard',
  'tcpdsackignoredold',
  'tcpdsackignorednoundo',
  'tcpmd5notfound',
  'tcpmd5unexpected',
  'tcpmd5failure',
  'tcpsackshifted',
  'tcpsackmerged',
  'tcpsackshiftfallback',
  'tcpbacklogdrop',
  'pfmemallocdrop',
  'tcpminttldrop',
  'tcpdeferacceptdrop',
  'ipreversepathfilter',
  'tcpreqqfulldocookies',
  'tcpreqqfulldrop',
  'tcpfastopenactive',
  'tcpfastopenactivefail',
  'tcpfastopenpassive',
  'tcpfastopenpassivefail',
  'tcpfastopenlistenoverflow',
  'tcpfastopencookiereqd',
  'tcpsynretrans',
  'tcporigdatasent',
  'pawsactive',
  'pawsestab',
] as const

const WANTED = new Set<string>(ADVANCED_TCP_STATS)

/**
 * /proc/<pid>/net/netstat and snmp: sections of two lines, `Prefix: names…` then
 * `Prefix: values…`. The `TcpExt:` and `Tcp:` counters cAdvisor reports are added to `out`,
 * keyed by their lower-cased names (`Tcp: MaxConn` is -1 when the kernel sets no limit).
 */
export function parseNetstat(text: string, path: string, out: Map<string, number>): void {
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = fields(lines[i]!)
    const values = fields(lines[i + 1]!)
    if (names[0] !== values[0]) throw new FileParseError(path, `line ${i + 2}: "${values[0]}" follows "${names[0]}"`)
    if (names[0] !== 'TcpExt:' && names[0] !== 'Tcp:') continue
    if (names.length !== values.length)
      throw new FileParseError(path, `line ${i + 2}: ${names.length - 1} names but ${values.length - 1} values`)
    for (let j = 1; j < names.length; j++) {
      const key = names[j]!.toLowerCase()
      if (!WANTED.has(key)) continue
      const v = values[j]!
      if (!/^-?\d+$/.test(v)) throw new FileParseError(path, `line ${i + 2}: ${names[j]} "${v.slice(0, 20)}" is not an integer`)
      out.set(key, Number(v))
    }
  }
}
