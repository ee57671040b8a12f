import type {KindDefinition} from '../types.js'

/**
 * Kind `cpu_topology`: the machine's NUMA nodes, cores, caches, huge pages and distances as
 * machine_* families. Nothing per container: the exposition's machine families
 * (metrics/machine-families.ts) add them when this kind is on, read once at start.
 */
export const cpuTopologyKind: KindDefinition = {controllers: [], defaultOn: false}
