import type {KindDefinition} from '../types.js'
import {schedFamilies} from './families.js'
import {schedReader} from './reader.js'

export const schedKind: KindDefinition = {controllers: ['cpu'], defaultOn: false, reader: schedReader, families: schedFamilies}
