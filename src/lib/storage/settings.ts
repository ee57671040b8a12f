/*
 * What the drivers are told, after the flags are parsed: cAdvisor's shared storage flags plus
 * cadv's TLS, token and label options. Also the rules that spread a host list over the drivers.
 */
import type {LabelOptions} from '../metrics/index.js'
import type {MetricKind} from '../stats/index.js'
import {StorageConfigError} from './errors.js'

export interface TlsSettings {
  caFile?: string
  certFile?: string
  keyFile?: string
  insecureSkipVerify: boolean
}

export interface StorageSettings {
  /** This driver's --storage-driver-host, or undefined for the driver's usual address. */
  host?: string
  /** --storage-driver-db: influxdb database, redis list key, statsd prefix. */
  db: string
  table: string
  /** Given explicitly; influxdb falls back to cAdvisor's root/root, the others send none. */
  user?: string
  password?: string
  /** https for a host:port (influxdb). */
  secure: boolean
  retentionPolicy: string
  tls: TlsSettings
  bearerTokenFile?: string
  /** Labels every remote-write series gets unless it has them (job, instance). */
  externalLabels: ReadonlyArray<readonly [string, string]>
  /** The host's name: cAdvisor's machine_name and `machine` tag. */
  machineName: string
  version: string
  /** The metric kinds and label rules of /metrics, for remote-write. */
  kinds: ReadonlySet<MetricKind>
  labels: LabelOptions
  /** Longest one request may take before it counts as failed. */
  sendTimeoutMs: number
  /** Where the stdout driver writes (the command's stdout). */
  stdout: NodeJS.WritableStream
}

/**
 * Spreads --storage-driver-host values over the drivers: `<driver>=<address>` is that
 * driver's, a plain address is every other driver's (cAdvisor has one host for all).
 */
export function hostsFor(drivers: readonly string[], values: readonly string[]): Map<string, string | undefined> {
  let shared: string | undefined
  const own = new Map<string, string>()
  for (const v of values) {
    const m = /^([a-z-]+)=(.+)$/.exec(v)
    if (m) {
      if (!drivers.includes(m[1]!))
        throw new StorageConfigError(
          `--storage-driver-host ${v}: "${m[1]}" is not one of the drivers in use (${drivers.join(', ') || 'none'})`,
        )
      own.set(m[1]!, m[2]!)
    } else {
      if (shared !== undefined && shared !== v)
        throw new StorageConfigError(`--storage-driver-host given twice (${shared}, ${v}): name the driver, as redis=${v}`)
      shared = v
    }
  }
  return new Map(drivers.map((d) => [d, own.get(d) ?? shared]))
}

/** `key=value` pairs (external labels), each a valid Prometheus label name. */
export function parseLabelPairs(values: readonly string[], flag: string): Array<[string, string]> {
  return values.map((v) => {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/.exec(v)
    if (!m) throw new StorageConfigError(`${flag} "${v}": expected name=value with a Prometheus label name`)
    return [m[1]!, m[2]!]
  })
}
