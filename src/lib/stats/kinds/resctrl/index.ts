import {existsSync} from 'node:fs'

import type {KindDefinition} from '../types.js'
import {resctrlFamilies} from './families.js'
import {resctrlReader, resctrlRoot} from './reader.js'

export const resctrlKind: KindDefinition = {
  controllers: [],
  defaultOn: false,
  reader: resctrlReader,
  families: resctrlFamilies,
  unavailable: ({sysRoot}) => {
    const root = resctrlRoot(sysRoot)
    if (!existsSync(`${root}/info`))
      return `resctrl: no resource control here (${root} is not mounted): no memory bandwidth or LLC occupancy series`
    if (!existsSync(`${root}/info/L3_MON`))
      return `resctrl: ${root} has no monitoring (no info/L3_MON: the CPU counts neither bandwidth nor cache occupancy): no series`
    return undefined
  },
}
