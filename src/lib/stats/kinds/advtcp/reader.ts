import {parseNetstat} from '../sockets/parse.js'
import {readNetFile} from '../sockets/read.js'
import type {KindReader} from '../types.js'

/** Kind `advtcp`: the TcpExt: and Tcp: counters of the container's network namespace. */
export const advtcpReader: KindReader = {
  kind: 'advtcp',
  files: {
    v1: ['<proc>/<pid>/net/netstat', '<proc>/<pid>/net/snmp (pid: as the network kind chooses it)'],
    v2: ['<proc>/<pid>/net/netstat', '<proc>/<pid>/net/snmp (pid: as the network kind chooses it)'],
  },
  read(ctx, sample) {
    const texts = readNetFile(ctx, 'advtcp', ['netstat', 'snmp'])
    if (texts === undefined) return
    const out = new Map<string, number>()
    let read = false
    for (const [path, text] of texts) {
      if (text === undefined) continue
      if (ctx.attempt(() => parseNetstat(text, path, out)) !== undefined || out.size > 0) read = true
    }
    if (!read) return
    sample.sockets ??= {}
    sample.sockets.advancedTcp = Object.fromEntries(out)
  },
}
