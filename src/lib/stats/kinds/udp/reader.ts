import {parseUdp} from '../sockets/parse.js'
import {readSocketPair} from '../sockets/read.js'
import type {KindReader} from '../types.js'

/** Kind `udp`: UDP sockets, their queued bytes and drops in the container's network namespace. */
export const udpReader: KindReader = {
  kind: 'udp',
  files: {
    v1: ['<proc>/<pid>/net/udp', '<proc>/<pid>/net/udp6 (pid: as the network kind chooses it)'],
    v2: ['<proc>/<pid>/net/udp', '<proc>/<pid>/net/udp6 (pid: as the network kind chooses it)'],
  },
  read(ctx, sample) {
    readSocketPair(ctx, sample, 'udp', parseUdp, (s, v4, v6) => {
      if (v4) s.udp = v4
      if (v6) s.udp6 = v6
    })
  },
}
