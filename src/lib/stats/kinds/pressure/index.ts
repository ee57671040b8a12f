import type {KindDefinition} from '../types.js'
import {pressureFamilies} from './families.js'
import {pressureReader} from './reader.js'

export const pressureKind: KindDefinition = {controllers: [], defaultOn: true, reader: pressureReader, families: pressureFamilies}
