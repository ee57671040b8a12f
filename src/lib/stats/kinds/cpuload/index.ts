import type {KindDefinition} from '../types.js'
import {cpuLoadFamilies} from './families.js'
import {cpuLoadReader} from './reader.js'

export const cpuLoadKind: KindDefinition = {controllers: ['cpu'], defaultOn: true, reader: cpuLoadReader, families: cpuLoadFamilies}
