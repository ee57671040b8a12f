// Kind `udp`: UDP sockets (gauges, though the names end in _total, as cAdvisor's).
import type {Family, FamilyModule, SeriesSink, UdpStats} from '../../../model/index.js'

const udp: Family = {name: 'container_network_udp_usage_total', type: 'gauge', help: 'udp connection usage statistic for container'}
const udp6: Family = {name: 'container_network_udp6_usage_total', type: 'gauge', help: 'udp6 connection usage statistic for container'}

function write(out: SeriesSink, f: Family, s: UdpStats | undefined): void {
  if (!s) return
  out.add(f, s.listen, 'udp_state="listen"')
  out.add(f, s.dropped, 'udp_state="dropped"')
  out.add(f, s.rxQueued, 'udp_state="rxqueued"')
  out.add(f, s.txQueued, 'udp_state="txqueued"')
}

export const udpFamilies: FamilyModule = {
  families: [udp6, udp],
  write(out, {sample}) {
    write(out, udp6, sample?.sockets?.udp6)
    write(out, udp, sample?.sockets?.udp)
  },
}
