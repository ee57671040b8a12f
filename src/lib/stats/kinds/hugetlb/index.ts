import type {KindDefinition} from '../types.js'
import {hugetlbFamilies} from './families.js'
import {hugetlbReader} from './reader.js'

export const hugetlbKind: KindDefinition = {controllers: ['hugetlb'], defaultOn: false, reader: hugetlbReader, families: hugetlbFamilies}
