import * as Flags from '@oclif/core/flags'

import {parseByteSize} from '../util/index.js'
import {durationFlag} from './duration-flag.js'

const helpGroup = 'STORAGE'

/**
 * The flags of cAdvisor's drivers that cadv does not have: accepted so cAdvisor's command lines
 * parse, and used by nothing, so they are hidden from --help and the man page's entries; help
 * names them in one line each (reference.ts acceptedOnlyNotes), from this summary.
 */
const notBuilt = (driver: string): {summary: string; hidden: true; helpGroup: string} => ({
  summary: `Accepted so cAdvisor command lines parse, and unused (cadv has no ${driver} driver)`,
  hidden: true,
  helpGroup,
})

/**
 * `cadv serve`'s storage drivers: cAdvisor's --storage_driver flags in hyphen form, and cadv's
 * own for the buffer bound, the exit deadline, TLS, a bearer token and remote-write labels.
 * Their translation into driver settings is app/serve-storage.ts (StorageFlagValues).
 */
export const storageFlags = {
  'storage-driver': Flags.string({
    helpValue: '<driver>',
    description:
      "Push every sample to these backends besides the in-memory store (comma-separated): stdout, redis, influxdb, statsd, remote-write (Prometheus remote write 1.0). cAdvisor's kafka, elasticsearch and bigquery are not built in.",
    multiple: true,
    helpGroup,
  }),
  'storage-driver-host': Flags.string({
    helpValue: '<address>',
    description:
      'Where a driver sends: host:port (influxdb default localhost:8086, redis :6379, statsd :8125), a URL (remote-write: required, e.g. http://prometheus:9090/api/v1/write); <driver>=<address> for one driver of several (repeatable).',
    multiple: true,
    helpGroup,
  }),
  'storage-driver-db': Flags.string({
    helpValue: '<name>',
    description: 'influxdb database, redis list key, statsd prefix.',
    default: 'cadvisor',
    helpGroup,
  }),
  'storage-driver-table': Flags.string({...notBuilt('BigQuery'), default: 'stats'}),
  'storage-driver-user': Flags.string({
    helpValue: '<user>',
    description: 'User for the backend: influxdb (root when not given, as cAdvisor), redis ACL, remote-write basic auth.',
    helpGroup,
  }),
  'storage-driver-password': Flags.string({
    helpValue: '<password>',
    description: 'Password for the backend: influxdb (root when not given, as cAdvisor), redis AUTH, remote-write basic auth.',
    helpGroup,
  }),
  'storage-driver-secure': Flags.boolean({
    description: 'Use https for an influxdb host:port.',
    helpGroup,
  }),
  'storage-driver-buffer-duration': durationFlag({
    description:
      'Send redis, influxdb and remote-write samples in batches this often (sooner when a batch is full); stdout and statsd send at once.',
    default: '60s',
    minMs: 0,
    helpGroup,
  }),
  'storage-driver-influxdb-retention-policy': Flags.string({
    helpValue: '<policy>',
    description: "influxdb retention policy to write into (default: the database's).",
    default: '',
    helpGroup,
  }),
  'storage-driver-buffer-limit': Flags.custom<number>({
    description:
      'Most encoded samples each driver holds while its backend is slow or down (64MiB, 500MB, bytes); past it the oldest are dropped and counted.',
    helpValue: '<size>',
    parse: async (input: string) => parseByteSize(input, 1024),
  })({default: parseByteSize('64MiB'), defaultHelp: async () => '64MiB', helpGroup}),
  'storage-driver-flush-timeout': durationFlag({
    description: 'On SIGTERM, how long the drivers may take to send what they hold before cadv exits.',
    default: '10s',
    minMs: 0,
    helpGroup,
  }),
  'storage-driver-external-label': Flags.string({
    helpValue: '<name=value>',
    description:
      'A label every remote-write series gets unless it has it, name=value (repeatable; default job=cadvisor and instance=<host name>).',
    multiple: true,
    helpGroup,
  }),
  'storage-driver-bearer-token-file': Flags.string({
    helpValue: '<file>',
    description: 'File with a bearer token for remote-write or influxdb (re-read every minute).',
    helpGroup,
  }),
  'storage-driver-ca-file': Flags.string({helpValue: '<file>', description: 'CA certificates to verify an https backend with.', helpGroup}),
  'storage-driver-cert-file': Flags.string({
    helpValue: '<file>',
    description: 'Client certificate for an https backend (with --storage-driver-key-file).',
    helpGroup,
  }),
  'storage-driver-key-file': Flags.string({helpValue: '<file>', description: 'Key of the client certificate.', helpGroup}),
  'storage-driver-insecure-skip-verify': Flags.boolean({description: "Do not verify an https backend's certificate.", helpGroup}),
  'storage-driver-es-host': Flags.string({...notBuilt('elasticsearch'), default: 'http://localhost:9200'}),
  'storage-driver-es-index': Flags.string({...notBuilt('elasticsearch'), default: 'cadvisor'}),
  'storage-driver-es-type': Flags.string({...notBuilt('elasticsearch'), default: 'stats'}),
  'storage-driver-es-enable-sniffer': Flags.boolean({...notBuilt('elasticsearch')}),
  'storage-driver-kafka-broker-list': Flags.string({...notBuilt('kafka'), default: 'localhost:9092'}),
  'storage-driver-kafka-topic': Flags.string({...notBuilt('kafka'), default: 'stats'}),
  'storage-driver-kafka-ssl-cert': Flags.string({...notBuilt('kafka')}),
  'storage-driver-kafka-ssl-key': Flags.string({...notBuilt('kafka')}),
  'storage-driver-kafka-ssl-ca': Flags.string({...notBuilt('kafka')}),
  'storage-driver-kafka-ssl-verify': Flags.boolean({...notBuilt('kafka'), default: true, allowNo: true}),
}
