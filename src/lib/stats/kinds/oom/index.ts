import type {KindDefinition} from '../types.js'
import {oomFamilies} from './families.js'
import {oomReader} from './reader.js'

export const oomKind: KindDefinition = {controllers: ['memory'], defaultOn: true, reader: oomReader, families: oomFamilies}
