// Kind `hugetlb`: huge page usage per page size.
import {escapeLabelValue, type Family, type FamilyModule} from '../../../model/index.js'

const failcnt: Family = {
  name: 'container_hugetlb_failcnt',
  type: 'counter',
  help: 'Number of hugepage usage hits limits',
  nonStandardCounter: true,
}
const usage: Family = {name: 'container_hugetlb_usage_bytes', type: 'gauge', help: 'Current hugepage usage in bytes'}
const maxUsage: Family = {name: 'container_hugetlb_max_usage_bytes', type: 'gauge', help: 'Maximum hugepage usage recorded in bytes'}

export const hugetlbFamilies: FamilyModule = {
  families: [failcnt, usage, maxUsage],
  write(out, {sample}) {
    for (const h of sample?.hugetlb ?? []) {
      const size = `pagesize="${escapeLabelValue(h.pageSize)}"`
      out.add(failcnt, h.failcnt, size)
      out.add(usage, h.usageBytes, size)
      // v2 keeps no maximum; cAdvisor's 0 there would read as "never used".
      if (h.maxUsageBytes !== undefined) out.add(maxUsage, h.maxUsageBytes, size)
    }
  },
}
