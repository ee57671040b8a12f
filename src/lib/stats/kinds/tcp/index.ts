import type {KindDefinition} from '../types.js'
import {tcpFamilies} from './families.js'
import {tcpReader} from './reader.js'

export const tcpKind: KindDefinition = {controllers: [], defaultOn: false, reader: tcpReader, families: tcpFamilies}
