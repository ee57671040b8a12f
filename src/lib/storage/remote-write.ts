/*
 * Prometheus remote write 1.0 (snappy-compressed protobuf WriteRequest over HTTP POST) of the
 * container families and labels of /metrics, at each sample's time, to any receiver: Prometheus
 * (--web.enable-remote-write-receiver), Mimir, Thanos Receive, VictoriaMetrics, Cortex. The
 * scale-out path past one node's memory store. Every series also gets the external labels
 * (default job="cadvisor", instance=<host name>) unless it has them, so that nodes differ.
 *
 * Compression is `snappy` (the napi-rs binding of Google's snappy: the block format remote
 * write requires, compressed on libuv's thread pool so that a large batch does not hold the
 * event loop). It is loaded with the first request: loading it starts the binding's own
 * threads and maps its library (about 3 MiB of RSS, two threads), which a `cadv serve` without
 * this driver would carry for its whole life.
 */

import type {ContainerState, Sample} from '../model/index.js'
import type {EncodeContext, StorageDriver} from './driver.js'
import {PermanentSendError, StorageConfigError} from './errors.js'
import {errorText, HttpTarget, safeUrl} from './http-post.js'
import {RemoteWriteEncoder} from './remote-write-encode.js'
import type {StorageSettings} from './settings.js'

const HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
}

let loaded: Promise<typeof import('snappy')> | undefined

function snappy(): Promise<typeof import('snappy')> {
  return (loaded ??= import('snappy'))
}

export function remoteWriteUrl(host: string | undefined): URL {
  if (host === undefined)
    throw new StorageConfigError('storage driver remote-write needs --storage-driver-host <url> (e.g. http://prometheus:9090/api/v1/write)')
  try {
    const u = new URL(host)
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '') return u
  } catch {
    // reported below
  }
  throw new StorageConfigError(`storage driver remote-write: "${host}" is not an http(s) URL (e.g. http://prometheus:9090/api/v1/write)`)
}

export function remoteWriteDriver(settings: StorageSettings): StorageDriver {
  const url = remoteWriteUrl(settings.host)
  const target = safeUrl(url)
  const http = new HttpTarget({
    url,
    tls: settings.tls,
    user: settings.user,
    password: settings.password,
    bearerTokenFile: settings.bearerTokenFile,
    timeoutMs: settings.sendTimeoutMs,
    userAgent: `cadv/${settings.version}`,
    driver: 'remote-write',
  })
  const encoder = new RemoteWriteEncoder(settings.kinds, settings.labels, settings.externalLabels)

  const post = async (payload: Buffer) => http.post(await (await snappy()).compress(payload), HEADERS)

  return {
    name: 'remote-write',
    target,
    immediate: false,
    maxBatchSamples: 500,
    maxBatchBytes: 4 << 20,
    async open() {
      let res
      try {
        // An empty WriteRequest checks the address, the credentials and that a receiver answers.
        res = await post(Buffer.alloc(0))
      } catch (err) {
        throw new StorageConfigError(`storage driver remote-write: cannot reach ${target}: ${(err as Error).message}`)
      }
      if (res.status >= 200 && res.status < 300) return
      const why = errorText(res)
      if (res.status === 401 || res.status === 403)
        throw new StorageConfigError(`storage driver remote-write: ${target} refused the credentials: ${why}`)
      if (res.status === 404)
        throw new StorageConfigError(
          `storage driver remote-write: ${target} is not a remote-write receiver (Prometheus needs --web.enable-remote-write-receiver): ${why}`,
        )
      throw new StorageConfigError(`storage driver remote-write: ${target} refused a remote-write request: ${why}`)
    },
    encode(state: ContainerState, sample: Sample, context: EncodeContext) {
      return encoder.encode(state, sample, context.pods)
    },
    async send(batch) {
      const res = await post(Buffer.concat(batch as Buffer[]))
      if (res.status >= 200 && res.status < 300) return
      const why = errorText(res)
      // The protocol: 4xx but 429 means the data is refused and must not be sent again.
      if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 401 && res.status !== 403)
        throw new PermanentSendError(why)
      throw new Error(why)
    },
    async close() {
      http.close()
    },
  }
}
