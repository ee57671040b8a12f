import type {KindDefinition} from '../types.js'
import {oomFamilies} from './families.js'

/** OOM counts come with the memory reading (v2 memory.events), so this kind has families only. */
export const oomKind: KindDefinition = {controllers: ['memory'], defaultOn: true, families: oomFamilies}
