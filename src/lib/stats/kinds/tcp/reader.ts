import {parseTcp} from '../sockets/parse.js'
import {readNetFile} from '../sockets/read.js'
import type {KindReader} from '../types.js'

/** Kind `tcp`: sockets per TCP state in the container's network namespace, IPv4 and IPv6. */
export const tcpReader: KindReader = {
  kind: 'tcp',
  files: {
    v1: ['<proc>/<pid>/net/tcp', '<proc>/<pid>/net/tcp6 (pid: as the network kind chooses it)'],
    v2: ['<proc>/<pid>/net/tcp', '<proc>/<pid>/net/tcp6 (pid: as the network kind chooses it)'],
  },
  read(ctx, sample) {
    const texts = readNetFile(ctx, 'tcp', ['tcp', 'tcp6'])
    if (texts === undefined) return
    const [[p4, t4], [p6, t6]] = texts as [[string, string | undefined], [string, string | undefined]]
    const tcp = t4 === undefined ? undefined : ctx.attempt(() => parseTcp(t4, p4))
    const tcp6 = t6 === undefined ? undefined : ctx.attempt(() => parseTcp(t6, p6))
    if (tcp === undefined && tcp6 === undefined) return
    sample.sockets ??= {}
    if (tcp) sample.sockets.tcp = tcp
    if (tcp6) sample.sockets.tcp6 = tcp6
  },
}
