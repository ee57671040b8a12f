/*
 * cAdvisor's statsd driver: every value a gauge, `<db>.<container>.<key>:<value>|g`, over UDP
 * as samples arrive. cAdvisor sends one datagram per value; here the lines share datagrams of
 * at most 1,400 bytes (newline-separated, which statsd servers split), under a common MTU.
 * UDP has no answer: a send fails only when the kernel reports the port closed (ICMP), so
 * this driver cannot tell whether a running server kept the values.
 */
import {createSocket, type Socket} from 'node:dgram'
import {lookup} from 'node:dns/promises'

import type {ContainerState, Sample} from '../model/index.js'
import {cadvisorSeries, integerText} from './cadvisor-series.js'
import {storageName, withTimeout, type StorageDriver} from './driver.js'
import {StorageConfigError} from './errors.js'
import type {StorageSettings} from './settings.js'

const DATAGRAM_BYTES = 1400

/** `host:port` or `[v6]:port`; port 8125 when left out. */
export function statsdAddress(host: string | undefined): {host: string; port: number} {
  const given = host ?? 'localhost:8125'
  try {
    const u = new URL(`udp://${given.replace(/^udp:\/\//, '')}`)
    if (u.hostname !== '' && (u.pathname === '' || u.pathname === '/'))
      return {host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port === '' ? 8125 : Number(u.port)}
  } catch {
    // reported below
  }
  throw new StorageConfigError(`storage driver statsd: "${given}" is not an address (host:port)`)
}

/** Packs lines into datagrams of at most `max` bytes. */
export function datagrams(lines: readonly string[], max = DATAGRAM_BYTES): string[] {
  const out: string[] = []
  let cur = ''
  for (const line of lines) {
    if (cur !== '' && cur.length + 1 + line.length > max) {
      out.push(cur)
      cur = ''
    }
    cur = cur === '' ? line : `${cur}\n${line}`
  }
  if (cur !== '') out.push(cur)
  return out
}

export function statsdDriver(settings: StorageSettings): StorageDriver {
  const addr = statsdAddress(settings.host)
  const target = `${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`
  let socket: Socket | undefined
  let connecting: Promise<Socket> | undefined

  const connect = (): Promise<Socket> => {
    if (socket) return Promise.resolve(socket)
    connecting ??= (async () => {
      const {address, family} = await lookup(addr.host)
      const s = createSocket(family === 6 ? 'udp6' : 'udp4')
      s.on('error', () => {
        s.close()
        if (socket === s) socket = undefined
      })
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject)
        s.connect(addr.port, address, () => {
          s.off('error', reject)
          resolve()
        })
      })
      socket = s
      return s
    })().finally(() => (connecting = undefined))
    return connecting
  }

  return {
    name: 'statsd',
    target,
    immediate: true,
    maxBatchSamples: 1000,
    maxBatchBytes: 1 << 20,
    async open() {
      try {
        await withTimeout(connect(), settings.sendTimeoutMs, 'resolving')
      } catch (err) {
        throw new StorageConfigError(`storage driver statsd: cannot use ${target}: ${(err as Error).message}`)
      }
    },
    encode(state: ContainerState, sample: Sample) {
      const prefix = `${settings.db}.${storageName(state)}.`
      let text = ''
      for (const s of cadvisorSeries(sample)) {
        const v = integerText(s.value)
        text += `${prefix}${s.key}:${v}|g\n`
        if (s.key === 'cpu_usage_total') text += `${prefix}cpu_cumulative_usage:${v}|g\n`
      }
      return text === '' ? undefined : text
    },
    async send(batch) {
      const s = await connect()
      const lines = (batch as string[]).join('').split('\n')
      lines.pop()
      for (const d of datagrams(lines)) {
        await new Promise<void>((resolve, reject) => s.send(d, (err) => (err ? reject(err) : resolve())))
      }
    },
    async close() {
      socket?.close()
      socket = undefined
    },
  }
}
