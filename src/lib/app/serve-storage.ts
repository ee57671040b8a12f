/*
 * `cadv serve --storage-driver …`: the storage flags turned into drivers, checked before
 * anything is served (unknown driver, bad address, unreachable backend, wrong credentials:
 * one line, exit 2), fed from the manager's samples, and flushed within
 * --storage-driver-flush-timeout when serve stops. A driver failing later is said on stderr and
 * in the cadv_storage_* metrics; it never stops the serving.
 */
import {hostname} from 'node:os'

import type {LabelOptions} from '../metrics/index.js'
import type {ContainerView} from '../model/index.js'
import type {MetricKind} from '../stats/index.js'
import {DRIVERS, driverNames, hostsFor, parseLabelPairs, Storage, StorageConfigError, type StorageSettings} from '../storage/index.js'
import type {AppContext} from './context.js'

/** How long one request to a backend may take before it counts as failed. */
const SEND_TIMEOUT_MS = 10_000

/** The parsed values of cli/storage-flags.ts. */
export interface StorageFlagValues {
  'storage-driver'?: string[]
  'storage-driver-host'?: string[]
  'storage-driver-db': string
  'storage-driver-table': string
  'storage-driver-user'?: string
  'storage-driver-password'?: string
  'storage-driver-secure': boolean
  'storage-driver-buffer-duration': number
  'storage-driver-influxdb-retention-policy': string
  'storage-driver-buffer-limit': number
  'storage-driver-flush-timeout': number
  'storage-driver-external-label'?: string[]
  'storage-driver-bearer-token-file'?: string
  'storage-driver-ca-file'?: string
  'storage-driver-cert-file'?: string
  'storage-driver-key-file'?: string
  'storage-driver-insecure-skip-verify': boolean
}

export interface ServeStorage {
  storage: Storage
  /** Sends what the drivers hold, within the flush timeout, and closes them. */
  stop(): Promise<void>
}

/**
 * The drivers the flags name, opened and taking the view's samples; undefined when no driver
 * is named. `once`: serve prints one exposition to stdout, which the stdout driver cannot share.
 */
export async function startServeStorage(
  flags: StorageFlagValues & {once?: boolean},
  view: ContainerView,
  exposition: {kinds: ReadonlySet<MetricKind>; labels?: LabelOptions},
  version: string,
  ctx: AppContext,
): Promise<ServeStorage | undefined> {
  const names = driverNames(
    (flags['storage-driver'] ?? [])
      .flatMap((v) => v.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  if (names.length === 0) return undefined
  if (flags.once && names.includes('stdout'))
    throw new StorageConfigError('--once prints the exposition on stdout: the stdout storage driver cannot share it')
  const hosts = hostsFor(names, flags['storage-driver-host'] ?? [])
  const machineName = hostname()
  const external = parseLabelPairs(flags['storage-driver-external-label'] ?? [], '--storage-driver-external-label')
  const externalLabels: Array<[string, string]> = [
    ...(external.some(([k]) => k === 'job') ? [] : [['job', 'cadvisor'] as [string, string]]),
    ...(external.some(([k]) => k === 'instance') ? [] : [['instance', machineName] as [string, string]]),
    ...external,
  ]
  const base: Omit<StorageSettings, 'host'> = {
    db: flags['storage-driver-db'],
    table: flags['storage-driver-table'],
    user: flags['storage-driver-user'],
    password: flags['storage-driver-password'],
    secure: flags['storage-driver-secure'],
    retentionPolicy: flags['storage-driver-influxdb-retention-policy'],
    tls: {
      caFile: flags['storage-driver-ca-file'],
      certFile: flags['storage-driver-cert-file'],
      keyFile: flags['storage-driver-key-file'],
      insecureSkipVerify: flags['storage-driver-insecure-skip-verify'],
    },
    bearerTokenFile: flags['storage-driver-bearer-token-file'],
    externalLabels,
    machineName,
    version,
    kinds: exposition.kinds,
    labels: exposition.labels ?? {storeContainerLabels: true, whitelistedLabels: []},
    sendTimeoutMs: SEND_TIMEOUT_MS,
    stdout: ctx.stdout,
  }
  const drivers = names.map((n) => DRIVERS[n]!({...base, host: hosts.get(n)}))
  const storage = new Storage(view, drivers, {
    bufferDurationMs: flags['storage-driver-buffer-duration'],
    limitBytes: flags['storage-driver-buffer-limit'],
    warn: (m) => ctx.warn(m),
  })
  await storage.open()
  storage.start()
  for (const d of drivers) ctx.note(`storage driver ${d.name}: sending to ${d.target}`)
  return {storage, stop: () => storage.stop(flags['storage-driver-flush-timeout'])}
}
