// Kind `cpuset`: whether memory follows tasks between nodes.
import type {Family, FamilyModule} from '../../../model/index.js'

const migrate: Family = {name: 'container_memory_migrate', type: 'gauge', help: 'Memory migrate status.'}

export const cpusetFamilies: FamilyModule = {
  families: [migrate],
  write(out, {sample}) {
    if (sample?.memoryMigrate !== undefined) out.add(migrate, sample.memoryMigrate)
  },
}
