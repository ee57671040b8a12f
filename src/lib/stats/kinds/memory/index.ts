import type {KindDefinition} from '../types.js'
import {memoryFamilies} from './families.js'
import {memoryReader} from './reader.js'

export const memoryKind: KindDefinition = {controllers: ['memory'], defaultOn: true, reader: memoryReader, families: memoryFamilies}
