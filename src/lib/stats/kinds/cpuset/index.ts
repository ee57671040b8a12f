import type {KindDefinition} from '../types.js'
import {cpusetFamilies} from './families.js'
import {cpusetReader} from './reader.js'

export const cpusetKind: KindDefinition = {controllers: ['cpuset'], defaultOn: false, reader: cpusetReader, families: cpusetFamilies}
