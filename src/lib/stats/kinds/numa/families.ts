// Kind `memory_numa`: pages per NUMA node, of the cgroup and of its subtree.
import type {Family, FamilyModule, NumaPages} from '../../../model/index.js'

const numaPages: Family = {name: 'container_memory_numa_pages', type: 'gauge', help: 'Number of used pages per NUMA node'}

export const numaFamilies: FamilyModule = {
  families: [numaPages],
  write(out, {sample}) {
    const n = sample?.numa
    if (!n) return
    const scope = (name: string, p: NumaPages | undefined): void => {
      if (!p) return
      for (const type of ['file', 'anon', 'unevictable'] as const) {
        p[type].forEach((v, node) => out.add(numaPages, v, `type="${type}",scope="${name}",node="${node}"`))
      }
    }
    scope('container', n.container)
    scope('hierarchy', n.hierarchy)
  },
}
