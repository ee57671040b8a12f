import type {KindDefinition} from '../types.js'
import {networkFamilies} from './families.js'
import {networkReader} from './reader.js'

export const networkKind: KindDefinition = {controllers: [], defaultOn: true, reader: networkReader, families: networkFamilies}
