import {Flags} from '@oclif/core'

import {parseByteSize} from '../util/index.js'
import {durationFlag} from './duration-flag.js'

const helpGroup = 'STORAGE'

const notBuilt = (driver: string): string =>
  `cAdvisor's ${driver} driver is not built into cadv (it could not be tested against a real server); accepted so cAdvisor command lines parse, used by nothing.`

/**
 * `cadv serve`'s storage drivers: cAdvisor's --storage_driver flags in hyphen form, and cadv's
 * own for the buffer bound, the exit deadline, TLS, a bearer token and remote-write labels.
 * Their translation into driver settings is app/serve-storage.ts (StorageFlagValues).
 */
export const storageFlags = {
  'storage-driver': Flags.string({
    description:
      "Push every sample to these backends besides the in-memory store (comma-separated): stdout, redis, influxdb, statsd, remote-write (Prometheus remote write 1.0). cAdvisor's kafka, elasticsearch and bigquery are not built in.",
    multiple: true,
    helpGroup,
  }),
  'storage-driver-host': Flags.string({
    description:
      'Where a driver sends: host:port (influxdb default localhost:8086, redis :6379, statsd :8125), a URL (remote-write: required, e.g. http://prometheus:9090/api/v1/write); <driver>=<address> for one driver of several (repeatable).',
    multiple: true,
    helpGroup,
  }),
  'storage-driver-db': Flags.string({
    description: 'influxdb database, redis list key, statsd prefix.',
    default: 'cadvisor',
    helpGroup,
  }),
  'storage-driver-table': Flags.string({
    description: "cAdvisor's table name (its BigQuery driver); accepted so cAdvisor command lines parse, used by no driver here.",
    default: 'stats',
    helpGroup,
  }),
  'storage-driver-user': Flags.string({
    description: 'User for the backend: influxdb (root when not given, as cAdvisor), redis ACL, remote-write basic auth.',
    helpGroup,
  }),
  'storage-driver-password': Flags.string({
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
    description:
      'A label every remote-write series gets unless it has it, name=value (repeatable; default job=cadvisor and instance=<host name>).',
    multiple: true,
    helpGroup,
  }),
  'storage-driver-bearer-token-file': Flags.string({
    description: 'File with a bearer token for remote-write or influxdb (re-read every minute).',
    helpGroup,
  }),
  'storage-driver-ca-file': Flags.string({description: 'CA certificates to verify an https backend with.', helpGroup}),
  'storage-driver-cert-file': Flags.string({
    description: 'Client certificate for an https backend (with --storage-driver-key-file).',
    helpGroup,
  }),
  'storage-driver-key-file': Flags.string({description: 'Key of the client certificate.', helpGroup}),
  'storage-driver-insecure-skip-verify': Flags.boolean({description: "Do not verify an https backend's certificate.", helpGroup}),
  'storage-driver-es-host': Flags.string({description: notBuilt('elasticsearch'), default: 'http://localhost:9200', helpGroup}),
  'storage-driver-es-index': Flags.string({description: notBuilt('elasticsearch'), default: 'cadvisor', helpGroup}),
  'storage-driver-es-type': Flags.string({description: notBuilt('elasticsearch'), default: 'stats', helpGroup}),
  'storage-driver-es-enable-sniffer': Flags.boolean({description: notBuilt('elasticsearch'), helpGroup}),
  'storage-driver-kafka-broker-list': Flags.string({description: notBuilt('kafka'), default: 'localhost:9092', helpGroup}),
  'storage-driver-kafka-topic': Flags.string({description: notBuilt('kafka'), default: 'stats', helpGroup}),
  'storage-driver-kafka-ssl-cert': Flags.string({description: notBuilt('kafka'), helpGroup}),
  'storage-driver-kafka-ssl-key': Flags.string({description: notBuilt('kafka'), helpGroup}),
  'storage-driver-kafka-ssl-ca': Flags.string({description: notBuilt('kafka'), helpGroup}),
  'storage-driver-kafka-ssl-verify': Flags.boolean({description: notBuilt('kafka'), default: true, allowNo: true, helpGroup}),
}
