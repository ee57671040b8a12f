import {existsSync} from 'node:fs'
import {delimiter} from 'node:path'

import type {KindDefinition} from '../types.js'
import {perfFamilies} from './families.js'
import {perfReader} from './reader.js'

export {parsePerfConfig, PerfConfigError, readPerfConfig, type PerfConfig} from './config.js'

function perfInstalled(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(`${dir}/perf`))
}

export const perfEventKind: KindDefinition = {
  controllers: ['perf_event'],
  defaultOn: true,
  reader: perfReader,
  families: perfFamilies,
  unavailable: ({options}) => {
    if (options.perfEvents === undefined || options.perfEvents.core.length === 0)
      return 'perf_event: no --perf-events-config names events to count (cAdvisor counts none without one either): no container_perf_* series'
    if (!perfInstalled()) return 'perf_event: perf(1) is not installed (Debian package linux-perf): no container_perf_* series'
    return undefined
  },
}
