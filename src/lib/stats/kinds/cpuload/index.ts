import type {KindDefinition} from '../types.js'
import {cpuLoadFamilies} from './families.js'
import {cpuLoadReader} from './reader.js'

export const cpuLoadKind: KindDefinition = {
  controllers: ['cpu'],
  defaultOn: true,
  reader: cpuLoadReader,
  families: cpuLoadFamilies,
  unavailable: ({options}) =>
    options.loadReader
      ? undefined
      : 'cpuLoad: task states are read only with --enable-load-reader, as in cAdvisor: no load or task-state series',
}
