import type {KindDefinition} from '../types.js'
import {udpFamilies} from './families.js'
import {udpReader} from './reader.js'

export const udpKind: KindDefinition = {controllers: [], defaultOn: false, reader: udpReader, families: udpFamilies}
