/*
 * cAdvisor's stdout driver: one line per sample,
 * `cName=<name> host=<host> timestamp=<ns> cpu_usage_total=… memory_usage=…`, written as samples
 * arrive. `host` is --storage-driver-host as in cAdvisor (the machine's name when not given);
 * `timestamp` is the sample's time in ns (cAdvisor's is the time of printing, a moment later).
 */
import type {ContainerState, Sample} from '../model/index.js'
import {cadvisorSeries, integerText} from './cadvisor-series.js'
import {storageName, type StorageDriver} from './driver.js'
import {PermanentSendError} from './errors.js'
import type {StorageSettings} from './settings.js'

export function stdoutDriver(settings: StorageSettings): StorageDriver {
  const host = settings.host ?? settings.machineName
  const out = settings.stdout
  return {
    name: 'stdout',
    target: 'stdout',
    immediate: true,
    maxBatchSamples: 1000,
    maxBatchBytes: 1 << 20,
    async open() {},
    encode(state: ContainerState, sample: Sample) {
      let line = `cName=${storageName(state)} host=${host} timestamp=${Math.round(sample.timestampMs)}000000`
      for (const s of cadvisorSeries(sample)) {
        line += ` ${s.key}=${integerText(s.value)}`
        if (s.key === 'cpu_usage_total') line += ` cpu_cumulative_usage=${integerText(s.value)}`
      }
      return `${line}\n`
    },
    send(batch) {
      return new Promise<void>((resolve, reject) => {
        out.write(batch.join(''), (err) => {
          if (!err) return resolve()
          // The reader is gone (`cadv serve | head`): writing again cannot succeed.
          const code = (err as NodeJS.ErrnoException).code
          reject(code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' ? new PermanentSendError(`stdout is closed (${code})`) : err)
        })
      })
    },
    async close() {},
  }
}
