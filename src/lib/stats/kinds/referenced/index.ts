import type {KindDefinition} from '../types.js'
import {referencedFamilies} from './families.js'
import {referencedReader} from './reader.js'

export const referencedMemoryKind: KindDefinition = {
  controllers: [],
  defaultOn: false,
  reader: referencedReader,
  families: referencedFamilies,
}
