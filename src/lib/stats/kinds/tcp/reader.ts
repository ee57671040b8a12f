import {parseTcp} from '../sockets/parse.js'
import {readSocketPair} from '../sockets/read.js'
import type {KindReader} from '../types.js'

/** Kind `tcp`: sockets per TCP state in the container's network namespace, IPv4 and IPv6. */
export const tcpReader: KindReader = {
  kind: 'tcp',
  files: {
    v1: ['<proc>/<pid>/net/tcp', '<proc>/<pid>/net/tcp6 (pid: as the network kind chooses it)'],
    v2: ['<proc>/<pid>/net/tcp', '<proc>/<pid>/net/tcp6 (pid: as the network kind chooses it)'],
  },
  read(ctx, sample) {
    readSocketPair(ctx, sample, 'tcp', parseTcp, (s, v4, v6) => {
      if (v4) s.tcp = v4
      if (v6) s.tcp6 = v6
    })
  },
}
