import type {KindModule} from '../family.js'
import {cpuModule} from './cpu.js'
import {diskioModule} from './diskio.js'
import {memoryModule} from './memory.js'
import {networkModule} from './network.js'
import {oomModule} from './oom.js'
import {pressureModule} from './pressure.js'
import {processModule} from './process.js'
import {specModule} from './spec.js'

/** Every container kind module, in exposition order. */
export const KIND_MODULES: readonly KindModule[] = [
  cpuModule, memoryModule, diskioModule, networkModule, processModule, pressureModule, oomModule, specModule,
]
