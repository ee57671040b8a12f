/**
 * The v1 controllers that cAdvisor's default metric kinds need (`devices` always): the answer of
 * `controllersForKinds(selectKinds())` in kinds/registry.ts, written out. `cadv watch` picks its
 * hierarchies with it; importing the registry would load every kind's reader and families,
 * about 45 ms of start-up for a command that reads no stats. A unit test keeps the two equal.
 */
export const DEFAULT_KIND_CONTROLLERS: ReadonlySet<string> = new Set(['devices', 'cpu', 'cpuacct', 'memory', 'blkio', 'io', 'perf_event'])
