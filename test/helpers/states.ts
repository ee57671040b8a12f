/* Container states for the exposition and metrics source tests: a docker container and raw cgroups. */
import type {ContainerState, Sample} from '../../src/lib/model/index.js'
import {selectKinds} from '../../src/lib/stats/index.js'

/** Every kind cadv collects. */
export const ALL_COLLECTED = selectKinds(['cpu', 'percpu', 'memory', 'diskIO', 'network', 'process', 'pressure', 'oom_event'])

/** A sample with every part filled. */
export function sample(name: string, ts: number, cpuNs = 3e9): Sample {
  return {
    name,
    timestampMs: ts,
    cpu: {usageNs: cpuNs, userNs: 1e9, systemNs: 2e9, perCpuNs: [1e9, 0, 2e9], periods: 10, throttledPeriods: 2, throttledNs: 5e8},
    memory: {
      usageBytes: 1000,
      workingSetBytes: 600,
      rssBytes: 300,
      cacheBytes: 200,
      swapBytes: 0,
      mappedFileBytes: 10,
      maxUsageBytes: 2000,
      failcnt: 0,
      kernelBytes: 3,
      pgfault: 9,
      pgmajfault: 1,
      oomKills: 2,
    },
    diskio: [{major: 8, minor: 0, device: 'sda', readBytes: 4096, writeBytes: 8192, reads: 3, writes: 4}],
    network: [{name: 'eth0', rxBytes: 1, rxPackets: 2, rxErrors: 0, rxDropped: 0, txBytes: 3, txPackets: 4, txErrors: 0, txDropped: 0}],
    pressure: {cpu: {someUs: 1500, fullUs: 500}, io: {someUs: 3}},
    processes: {processes: 3, threads: 7},
    oom: {kills: 2},
  }
}

/** A label value with everything that needs escaping. */
export const NASTY = 'quote " backslash \\ newline \n tab \t ünïcødé 🐳 {a="b"}'

/** A docker container with labels, spec and one sample. */
export function dockerState(): ContainerState {
  return {
    name: '/docker/abc',
    firstSeenMs: 1_700_000_000_000,
    info: {
      name: '/docker/abc',
      factory: 'docker',
      aliases: ['web'],
      image: 'nginx:1',
      pid: 1,
      hasNetwork: true,
      restartCount: 2,
      labels: {'com.example/team': NASTY, 'a.b': 'first', a_b: 'second'},
      env: {},
      startedAt: new Date(1_700_000_100_000),
    },
    spec: {cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuWeight: 100, memoryLimitBytes: 1e9},
    samples: [{...sample('/docker/abc', 1_700_000_200_000), processes: {processes: 3, threads: 7, threadsLimit: 100}}],
  }
}

/** A raw cgroup, with the creation time read from its directory. */
export function rawState(name: string): ContainerState {
  return {
    name,
    firstSeenMs: 1_700_000_000_000,
    cgroupCreatedMs: 1_690_000_000_500,
    samples: [sample(name, 1_700_000_200_000, 5e9)],
    spec: {cpuWeight: 100},
  }
}
