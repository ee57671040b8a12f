import {hierarchyForController} from '../../../cgroups/index.js'
import {readBoundedText} from '../../../util/index.js'
import type {KindDefinition, KindHost} from '../types.js'
import {hugetlbFamilies} from './families.js'
import {hugePageSizes, hugetlbReader} from './reader.js'

/** Why no cgroup has hugetlb files here, or undefined. */
function unavailable({layout, sysRoot}: KindHost): string | undefined {
  if (hugePageSizes(sysRoot).length === 0)
    return `hugetlb: the kernel has no huge page sizes (${sysRoot}/kernel/mm/hugepages): no container_hugetlb_* series`
  const h = hierarchyForController(layout, 'hugetlb')
  if (h === undefined) return 'hugetlb: no hugetlb controller is mounted: no container_hugetlb_* series'
  if (h.version === 1) return undefined
  let enabled = ''
  try {
    enabled = readBoundedText(`${h.mountPoint}/cgroup.subtree_control`)
  } catch {
    return undefined
  }
  return enabled.split(/\s+/).includes('hugetlb')
    ? undefined
    : `hugetlb: the controller is not enabled below ${h.mountPoint} (cgroup.subtree_control): no container_hugetlb_* series`
}

export const hugetlbKind: KindDefinition = {
  controllers: ['hugetlb'],
  defaultOn: false,
  reader: hugetlbReader,
  families: hugetlbFamilies,
  unavailable,
}
