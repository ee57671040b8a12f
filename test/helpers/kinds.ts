/*
 * Reading real test cgroups through the real path (ContainerCollector over OpenFiles, the
 * layout discovered from /proc/self/mountinfo) and rendering what cadv would expose for them,
 * for the per-kind integration tests.
 */
import {discoverCgroups} from '../../src/lib/cgroups/index.js'
import {readMachineInfo, Exposition} from '../../src/lib/metrics/index.js'
import type {ContainerState, Sample} from '../../src/lib/model/index.js'
import {
  ContainerCollector,
  OpenFiles,
  selectKinds,
  type CollectorOptions,
  type MetricKind,
  type RuntimeHints,
} from '../../src/lib/stats/index.js'
import type {TestCgroups} from './cgroups.js'
import {parseExposition, samples, type ParsedSample} from './exposition.js'

export class RealReader {
  readonly files = new OpenFiles(256)
  private readonly collectors = new Map<string, ContainerCollector>()
  readonly kinds: ReadonlySet<MetricKind>

  constructor(
    private readonly tc: TestCgroups,
    kinds: readonly MetricKind[],
    private readonly extra: Pick<CollectorOptions, 'diskUsage' | 'kindOptions'> = {kindOptions: {loadReader: true}},
  ) {
    this.kinds = selectKinds(kinds)
  }

  /** The collector of a cgroup under the test root (made once, so kept files and state persist). */
  collector(rel: string, hints?: RuntimeHints): ContainerCollector {
    const name = rel === '/' ? '/' : this.tc.name(rel)
    let c = this.collectors.get(name)
    if (!c) {
      c = new ContainerCollector(name, {layout: this.tc.layout, kinds: this.kinds, files: this.files, ...this.extra})
      this.collectors.set(name, c)
    }
    if (hints) c.setRuntime(hints)
    return c
  }

  sample(rel: string, hints?: RuntimeHints): Sample {
    const s = this.collector(rel, hints).collect()
    if (!s) throw new Error(`no sample for ${rel}`)
    return s
  }

  /** The series of `family` cadv exposes for the cgroup's sample. */
  series(rel: string, family: string, sample = this.sample(rel)): ParsedSample[] {
    const state: ContainerState = {name: sample.name, samples: [sample], firstSeenMs: sample.timestampMs}
    const spec = this.collector(rel).spec
    if (spec) state.spec = spec
    const e = new Exposition({kinds: this.kinds, machine: readMachineInfo(), version: 'test'})
    return samples(parseExposition(e.render([state], 'prometheus'), 'prometheus'), family, {id: sample.name})
  }

  close(): void {
    for (const c of this.collectors.values()) c.close()
    this.files.closeAll()
  }
}

const fixtures = new URL('../fixtures/', import.meta.url).pathname

/**
 * One sample of a fixture tree (`cgroup_v1/kinds`) with a fixture host (`host/kinds`: its proc/
 * and the sys/ beside it), read through the same path as a real host (--cgroup-root).
 */
export function fixtureSample(tree: string, host: string, kinds: readonly MetricKind[], name = '/docker/c1', hints?: RuntimeHints): Sample {
  const layout = discoverCgroups({cgroupRoot: fixtures + tree, procRoot: `${fixtures}host/${host}/proc`})
  const c = new ContainerCollector(name, {layout, kinds: selectKinds(kinds), files: new OpenFiles(64), kindOptions: {loadReader: true}})
  if (hints) c.setRuntime(hints)
  const s = c.collect(1_000_000)
  c.close()
  if (!s) throw new Error(`no sample of ${name} in ${tree}`)
  return s
}

/** What cadv exposes for one sample, parsed. */
export function exposeSample(sample: Sample, kinds: readonly MetricKind[]): ReturnType<typeof parseExposition> {
  const e = new Exposition({kinds: selectKinds(kinds), machine: readMachineInfo(), version: 'test'})
  return parseExposition(e.render([{name: sample.name, samples: [sample], firstSeenMs: sample.timestampMs}], 'prometheus'), 'prometheus')
}
