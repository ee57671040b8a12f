import type {KindDefinition} from '../types.js'
import {diskioFamilies} from './families.js'
import {diskioReader} from './reader.js'

export const diskioKind: KindDefinition = {controllers: ['blkio', 'io'], defaultOn: true, reader: diskioReader, families: diskioFamilies}
