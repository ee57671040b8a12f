import type {KindDefinition} from '../types.js'
import {cpuFamilies} from './families.js'
import {cpuReader} from './reader.js'

export const cpuKind: KindDefinition = {controllers: ['cpu', 'cpuacct'], defaultOn: true, reader: cpuReader, families: cpuFamilies}

/** Per-CPU usage: the cpu reader reads cpuacct.usage_percpu and the cpu families split by CPU (v1 only). */
export const percpuKind: KindDefinition = {controllers: ['cpuacct'], defaultOn: true}
