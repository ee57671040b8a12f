// Kind `referenced_memory`: memory the container's processes referenced since the last reset.
import type {Family, FamilyModule} from '../../../model/index.js'

const referenced: Family = {
  name: 'container_referenced_bytes',
  type: 'gauge',
  help: 'Container referenced bytes during last measurements cycle',
}

export const referencedFamilies: FamilyModule = {
  families: [referenced],
  write(out, {sample}) {
    if (sample?.referencedBytes !== undefined) out.add(referenced, sample.referencedBytes)
  },
}
