/*
 * cAdvisor's influxdb driver: InfluxDB 1.x line protocol over HTTP (`POST /write?db=&rp=`),
 * one point per value with cAdvisor's measurements (cpu_usage_total, memory_usage, rx_bytes,
 * …), one integer field `value`, the tags `machine`, `container_name` and the container's
 * runtime labels, plus the value's own (`instance` for a CPU, `failure_type` and `scope`),
 * at the sample's time (ms precision). Integers as cAdvisor writes them (`value=5i`), so a
 * database cAdvisor filled takes cadv's points without a field type conflict.
 */
import type {ContainerInfo, ContainerState, Sample} from '../model/index.js'
import {cadvisorSeries, integerText} from './cadvisor-series.js'
import {storageName, type StorageDriver} from './driver.js'
import {PermanentSendError, StorageConfigError} from './errors.js'
import {errorText, HttpTarget, safeUrl} from './http-post.js'
import type {StorageSettings} from './settings.js'

/** `host:port` (http, or https with --storage-driver-secure), or an http(s) URL. */
export function influxUrl(host: string | undefined, secure: boolean): URL {
  const given = host ?? 'localhost:8086'
  try {
    const u = new URL(/^https?:\/\//.test(given) ? given : `${secure ? 'https' : 'http'}://${given}`)
    if (u.hostname !== '') return u
  } catch {
    // reported below
  }
  throw new StorageConfigError(`storage driver influxdb: "${given}" is not an address (host:port or http://host:port)`)
}

/** Tag keys and values: commas, equals signs and spaces escaped; line breaks cannot be sent. */
function escapeTag(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/([,= ])/g, '\\$1')
}

/** Tags of the values themselves; a runtime label of the same name gives way. */
const RESERVED = new Set(['machine', 'container_name', 'instance', 'failure_type', 'scope'])

export function influxdbDriver(settings: StorageSettings): StorageDriver {
  const url = influxUrl(settings.host, settings.secure)
  const target = safeUrl(url)
  // cAdvisor's defaults are root/root; a server without authentication ignores them.
  const http = new HttpTarget({
    url,
    tls: settings.tls,
    user: settings.user ?? (url.username === '' ? 'root' : undefined),
    password: settings.password ?? (url.password === '' ? 'root' : undefined),
    bearerTokenFile: settings.bearerTokenFile,
    timeoutMs: settings.sendTimeoutMs,
    userAgent: `cadv/${settings.version}`,
    driver: 'influxdb',
  })
  const query: Record<string, string> = {db: settings.db, precision: 'ms'}
  if (settings.retentionPolicy !== '') query.rp = settings.retentionPolicy
  const machine = escapeTag(settings.machineName)
  const tagCache = new WeakMap<ContainerState, {info: ContainerInfo | undefined; tags: string}>()

  const containerTags = (state: ContainerState): string => {
    const cached = tagCache.get(state)
    if (cached && cached.info === state.info) return cached.tags
    let tags = `,container_name=${escapeTag(storageName(state))},machine=${machine}`
    const labels = state.info?.labels ?? {}
    for (const k of Object.keys(labels).sort()) {
      if (RESERVED.has(k) || k === '' || labels[k] === '') continue
      tags += `,${escapeTag(k)}=${escapeTag(labels[k]!)}`
    }
    tagCache.set(state, {info: state.info, tags})
    return tags
  }

  const write = async (body: string) => {
    const res = await http.post(body, {'Content-Type': 'text/plain; charset=utf-8'}, {path: '/write', query})
    return res
  }

  return {
    name: 'influxdb',
    target,
    immediate: false,
    maxBatchSamples: 1000,
    maxBatchBytes: 4 << 20,
    async open() {
      let res
      try {
        // An empty write checks the address, the credentials and the database, and stores nothing.
        res = await write('')
      } catch (err) {
        throw new StorageConfigError(`storage driver influxdb: cannot reach ${target}: ${(err as Error).message}`)
      }
      if (res.status === 204) return
      const why = errorText(res)
      if (res.status === 401 || res.status === 403)
        throw new StorageConfigError(
          `storage driver influxdb: ${target} refused the credentials (--storage-driver-user, --storage-driver-password): ${why}`,
        )
      if (res.status === 404 && /database not found/.test(res.body + (res.headers['x-influxdb-error'] ?? '')))
        throw new StorageConfigError(
          `storage driver influxdb: database "${settings.db}" does not exist on ${target} (CREATE DATABASE ${settings.db}, or --storage-driver-db)`,
        )
      throw new StorageConfigError(`storage driver influxdb: ${target} is not an InfluxDB 1.x write API: ${why}`)
    },
    encode(state: ContainerState, sample: Sample) {
      const tags = containerTags(state)
      const time = ` ${Math.round(sample.timestampMs)}\n`
      let lines = ''
      for (const s of cadvisorSeries(sample)) {
        lines += s.measurement + tags
        if (s.tags) for (const [k, v] of s.tags) lines += `,${k}=${escapeTag(v)}`
        lines += ` value=${integerText(s.value)}i${time}`
      }
      return lines === '' ? undefined : lines
    },
    async send(batch) {
      const res = await write(batch.join(''))
      if (res.status >= 200 && res.status < 300) return
      const why = errorText(res)
      // 400: the points themselves are refused (parse error, field type conflict); 413: too large.
      if (res.status === 400 || res.status === 413) throw new PermanentSendError(why)
      if (res.status === 401 || res.status === 403) throw new Error(`credentials refused: ${why}`)
      throw new Error(why)
    },
    async close() {
      http.close()
    },
  }
}
