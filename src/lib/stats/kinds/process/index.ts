import type {KindDefinition} from '../types.js'
import {processFamilies} from './families.js'
import {processReader} from './reader.js'

export const processKind: KindDefinition = {controllers: ['pids'], defaultOn: false, reader: processReader, families: processFamilies}
