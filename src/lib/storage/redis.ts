/*
 * cAdvisor's redis driver: `LPUSH <--storage-driver-db>` of one JSON document per sample,
 * `{timestamp (µs), machine_name, container_Name, container_stats}`. cAdvisor pushes one sample
 * per buffer duration and drops the rest; here every sample is pushed, a batch in one LPUSH
 * (oldest first, so the newest ends at the head as with one LPUSH each).
 *
 * The client is node-redis (@redis/client), Redis' own Node.js client. Its reconnection and
 * offline queue are off: a lost connection fails the send at once and the delivery's backoff
 * decides when to try again, with a fresh connection.
 */
import type * as NodeRedis from '@redis/client'

import type {ContainerState, Sample} from '../model/index.js'
import {cadvisorDocument} from './cadvisor-stats.js'
import {storageName, withTimeout, type StorageDriver} from './driver.js'
import {PermanentSendError, StorageConfigError} from './errors.js'
import type {StorageSettings} from './settings.js'

/**
 * node-redis, imported with the first connection: every `cadv serve` loads this driver, few use
 * it, and the client's modules are about 4 MiB of heap (README, the whole process).
 */
let nodeRedis: Promise<typeof NodeRedis> | undefined
const loadNodeRedis = (): Promise<typeof NodeRedis> => (nodeRedis ??= import('@redis/client'))

function makeClient(redis: typeof NodeRedis, url: string, settings: StorageSettings) {
  return redis.createClient({
    url,
    username: settings.user,
    password: settings.password,
    disableOfflineQueue: true,
    socket: {connectTimeout: settings.sendTimeoutMs, reconnectStrategy: false},
  })
}

type Client = ReturnType<typeof makeClient>

interface RedisAddress {
  url: string
  /** For messages: the address without credentials. */
  target: string
}

/** `host:port`, `[::1]:port` or `redis://[user:password@]host:port[/db]` (port 6379 when left out). */
export function redisAddress(host: string | undefined): RedisAddress {
  const given = host ?? 'localhost:6379'
  let u: URL
  try {
    u = new URL(/^rediss?:\/\//.test(given) ? given : `redis://${given}`)
  } catch {
    throw new StorageConfigError(`storage driver redis: "${given}" is not an address (host:port or redis://host:port)`)
  }
  if (u.hostname === '' || (u.pathname !== '' && !/^\/\d*$/.test(u.pathname)))
    throw new StorageConfigError(`storage driver redis: "${given}" is not an address (host:port or redis://host:port[/db])`)
  if (u.port === '') u.port = '6379'
  const target = `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`
  return {url: u.toString(), target}
}

export function redisDriver(settings: StorageSettings): StorageDriver {
  const address = redisAddress(settings.host)
  const key = settings.db
  let client: Client | undefined

  const connect = async (): Promise<Client> => {
    // Loaded first, so what follows runs in one go as before (no second connect between).
    const redis = await loadNodeRedis()
    if (client?.isReady) return client
    client?.destroy()
    const c = makeClient(redis, address.url, settings)
    // Errors reach the sender through the failed command; without a listener they would crash the process.
    c.on('error', () => undefined)
    client = c
    try {
      await withTimeout(c.connect(), settings.sendTimeoutMs, 'connecting')
    } catch (err) {
      c.destroy()
      client = undefined
      throw err
    }
    return c
  }

  return {
    name: 'redis',
    target: address.target,
    immediate: false,
    maxBatchSamples: 1000,
    maxBatchBytes: 8 << 20,
    async open() {
      try {
        const c = await connect()
        await withTimeout(c.ping(), settings.sendTimeoutMs, 'PING')
      } catch (err) {
        throw new StorageConfigError(`storage driver redis: cannot use ${address.target}: ${(err as Error).message}`)
      }
    },
    encode(state: ContainerState, sample: Sample) {
      return JSON.stringify(cadvisorDocument(sample, settings.machineName, storageName(state)))
    },
    async send(batch) {
      const c = await connect()
      try {
        await withTimeout(c.lPush(key, batch as string[]), settings.sendTimeoutMs, 'LPUSH')
      } catch (err) {
        // WRONGTYPE (the key holds something else) and ERR are verdicts on the command itself;
        // LOADING, OOM, READONLY, NOAUTH and the like pass, so those are retried.
        if (err instanceof (await loadNodeRedis()).ErrorReply && /^(WRONGTYPE|ERR) /.test(err.message))
          throw new PermanentSendError(err.message)
        c.destroy()
        client = undefined
        throw err
      }
    },
    async close() {
      const c = client
      client = undefined
      if (c?.isOpen) await c.close().catch(() => c.destroy())
    },
  }
}
