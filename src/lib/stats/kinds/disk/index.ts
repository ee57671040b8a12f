import type {KindDefinition} from '../types.js'
import {diskFamilies} from './families.js'
import {diskReader} from './reader.js'

export const diskKind: KindDefinition = {controllers: [], defaultOn: true, reader: diskReader, families: diskFamilies}
