/*
 * The storage drivers by name (cAdvisor's --storage_driver names, plus remote-write), and the
 * ones cAdvisor has that cadv does not, with what a user needs instead.
 */
import type {DriverFactory} from './driver.js'
import {StorageConfigError} from './errors.js'
import {influxdbDriver} from './influxdb.js'
import {redisDriver} from './redis.js'
import {remoteWriteDriver} from './remote-write.js'
import {statsdDriver} from './statsd.js'
import {stdoutDriver} from './stdout.js'

export const DRIVERS: Readonly<Record<string, DriverFactory>> = {
  stdout: stdoutDriver,
  redis: redisDriver,
  influxdb: influxdbDriver,
  statsd: statsdDriver,
  'remote-write': remoteWriteDriver,
}

/** cAdvisor's drivers that are not built in, and why. */
export const NOT_BUILT: Readonly<Record<string, string>> = {
  kafka:
    'is not built into cadv: it was not tested against a real Kafka broker (none could be installed where cadv is built); use remote-write, redis or influxdb, or a Kafka connector reading one of them',
  elasticsearch:
    'is not built into cadv: it was not tested against a real Elasticsearch (none could be installed where cadv is built); use remote-write, redis or influxdb, or Logstash reading redis',
  bigquery: 'is not built into cadv (Google Cloud only; cAdvisor marks it unmaintained); use remote-write',
}

/** The driver names of a --storage-driver list, checked, without repeats, in the given order. */
export function driverNames(list: readonly string[]): string[] {
  const out: string[] = []
  for (const name of list) {
    if (NOT_BUILT[name]) throw new StorageConfigError(`storage driver ${name} ${NOT_BUILT[name]}`)
    if (!DRIVERS[name]) throw new StorageConfigError(`unknown storage driver "${name}" (known: ${Object.keys(DRIVERS).join(', ')})`)
    if (!out.includes(name)) out.push(name)
  }
  return out
}
