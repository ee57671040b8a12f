// Kind `network`: /proc/<pid>/net/dev of the container's init process, per interface.
import {escapeLabelValue, type Family, type FamilyModule, type NetworkInterfaceSample} from '../../../model/index.js'

type Field = Exclude<keyof NetworkInterfaceSample, 'name'>

const counters: Array<[Family, Field]> = [
  [{name: 'container_network_receive_bytes_total', type: 'counter', help: 'Cumulative count of bytes received'}, 'rxBytes'],
  [{name: 'container_network_receive_packets_total', type: 'counter', help: 'Cumulative count of packets received'}, 'rxPackets'],
  [
    {name: 'container_network_receive_packets_dropped_total', type: 'counter', help: 'Cumulative count of packets dropped while receiving'},
    'rxDropped',
  ],
  [
    {name: 'container_network_receive_errors_total', type: 'counter', help: 'Cumulative count of errors encountered while receiving'},
    'rxErrors',
  ],
  [{name: 'container_network_transmit_bytes_total', type: 'counter', help: 'Cumulative count of bytes transmitted'}, 'txBytes'],
  [{name: 'container_network_transmit_packets_total', type: 'counter', help: 'Cumulative count of packets transmitted'}, 'txPackets'],
  [
    {
      name: 'container_network_transmit_packets_dropped_total',
      type: 'counter',
      help: 'Cumulative count of packets dropped while transmitting',
    },
    'txDropped',
  ],
  [
    {name: 'container_network_transmit_errors_total', type: 'counter', help: 'Cumulative count of errors encountered while transmitting'},
    'txErrors',
  ],
]

export const networkFamilies: FamilyModule = {
  families: counters.map(([f]) => f),
  write(out, {sample}) {
    for (const iface of sample?.network ?? []) {
      const label = `interface="${escapeLabelValue(iface.name)}"`
      for (const [f, field] of counters) out.add(f, iface[field], label)
    }
  },
}
