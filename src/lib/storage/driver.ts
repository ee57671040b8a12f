/*
 * The contract of a storage driver: one module per backend (stdout, redis, influxdb, statsd,
 * remote-write) behind this interface, created by name from the registry. A driver only
 * encodes and sends; batching, retries, the bounded buffer, ordering and the metrics are the
 * delivery's (delivery.ts), the same for every driver.
 */
import type {PodIndex} from '../metrics/index.js'
import type {ContainerState, Sample} from '../model/index.js'
import type {StorageSettings} from './settings.js'

/** One sample in a driver's wire form (a line, a JSON document, protobuf bytes). */
export type Encoded = string | Buffer

/** What encoding a sample may need besides its own container. */
export interface EncodeContext {
  /**
   * Pods by uid, from the runtime labels of every container known now: under --kubelet-labels
   * a pod cgroup is named after its pod, which only its containers' labels say. Built on the
   * first call and reused for up to a second.
   */
  pods(): PodIndex
}

export interface StorageDriver {
  readonly name: string
  /** Where it sends, for messages (`127.0.0.1:6379`, a URL without credentials). */
  readonly target: string
  /**
   * Sends as samples arrive instead of every --storage-driver-buffer-duration, as cAdvisor's
   * stdout and statsd drivers do.
   */
  readonly immediate: boolean
  /** Most samples and bytes in one request; a larger backlog goes as several, in order. */
  readonly maxBatchSamples: number
  readonly maxBatchBytes: number
  /**
   * Checks what can be checked before serving (address, reachability, credentials, database);
   * rejects with a StorageConfigError naming what to fix.
   */
  open(): Promise<void>
  /** One sample as the driver sends it; undefined when it has nothing to send for it. */
  encode(state: ContainerState, sample: Sample, context: EncodeContext): Encoded | undefined
  /**
   * Sends a batch, in order. Rejects when the backend did not take it: with a PermanentSendError
   * when sending it again cannot help (the backend refused the data itself), else it is retried.
   */
  send(batch: readonly Encoded[]): Promise<void>
  close(): Promise<void>
}

export type DriverFactory = (settings: StorageSettings) => StorageDriver

/** Bytes an encoded sample occupies in the buffer (strings here are one byte per character). */
export function encodedBytes(e: Encoded): number {
  return e.length
}

/** cAdvisor's container name in storage: the first alias (docker: the container name), else the cgroup name. */
export function storageName(state: ContainerState): string {
  return state.info?.aliases[0] ?? state.name
}

/** Rejects after ms with `what timed out`, so a backend that stops answering is a failed send. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}
