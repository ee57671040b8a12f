import {parseUdp} from '../sockets/parse.js'
import {readNetFile} from '../sockets/read.js'
import type {KindReader} from '../types.js'

/** Kind `udp`: UDP sockets, their queued bytes and drops in the container's network namespace. */
export const udpReader: KindReader = {
  kind: 'udp',
  files: {
    v1: ['<proc>/<pid>/net/udp', '<proc>/<pid>/net/udp6 (pid: as the network kind chooses it)'],
    v2: ['<proc>/<pid>/net/udp', '<proc>/<pid>/net/udp6 (pid: as the network kind chooses it)'],
  },
  read(ctx, sample) {
    const texts = readNetFile(ctx, 'udp', ['udp', 'udp6'])
    if (texts === undefined) return
    const [[p4, t4], [p6, t6]] = texts as [[string, string | undefined], [string, string | undefined]]
    const udp = t4 === undefined ? undefined : ctx.attempt(() => parseUdp(t4, p4))
    const udp6 = t6 === undefined ? undefined : ctx.attempt(() => parseUdp(t6, p6))
    if (udp === undefined && udp6 === undefined) return
    sample.sockets ??= {}
    if (udp) sample.sockets.udp = udp
    if (udp6) sample.sockets.udp6 = udp6
  },
}
