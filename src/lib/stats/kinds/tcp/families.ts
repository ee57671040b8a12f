// Kind `tcp`: sockets per TCP state (gauges, though the names end in _total, as cAdvisor's).
import type {Family, FamilyModule, SeriesSink, TcpStates} from '../../../model/index.js'

const tcp: Family = {name: 'container_network_tcp_usage_total', type: 'gauge', help: 'tcp connection usage statistic for container'}
const tcp6: Family = {name: 'container_network_tcp6_usage_total', type: 'gauge', help: 'tcp6 connection usage statistic for container'}

function write(out: SeriesSink, f: Family, s: TcpStates | undefined): void {
  if (!s) return
  for (const [state, n] of Object.entries(s)) out.add(f, n, `tcp_state="${state}"`)
}

export const tcpFamilies: FamilyModule = {
  families: [tcp, tcp6],
  write(out, {sample}) {
    write(out, tcp, sample?.sockets?.tcp)
    write(out, tcp6, sample?.sockets?.tcp6)
  },
}
