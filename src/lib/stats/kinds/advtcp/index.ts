import type {KindDefinition} from '../types.js'
import {advtcpFamilies} from './families.js'
import {advtcpReader} from './reader.js'

export const advtcpKind: KindDefinition = {controllers: [], defaultOn: false, reader: advtcpReader, families: advtcpFamilies}
