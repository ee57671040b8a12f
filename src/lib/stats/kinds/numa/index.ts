import type {KindDefinition} from '../types.js'
import {numaFamilies} from './families.js'
import {numaReader} from './reader.js'

export const memoryNumaKind: KindDefinition = {controllers: ['memory'], defaultOn: false, reader: numaReader, families: numaFamilies}
