/*
 * Collection on the cgroup fixture trees (test/fixtures/cgroup_v1/<case>, cgroup_v2/<case>) the
 * way cadv reads a host: discoverCgroups({cgroupRoot, procRoot}) → ContainerCollector → OpenFiles.
 */
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

import {discoverCgroups} from '../../src/lib/cgroups/index.js'
import type {Sample} from '../../src/lib/model/index.js'
import {ALL_KINDS, ContainerCollector, OpenFiles, type MetricKind} from '../../src/lib/stats/index.js'

/** test/fixtures/, with a trailing slash. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))

export interface FixtureOptions {
  /** Default: every kind. */
  kinds?: Set<MetricKind>
  /** A tree under test/fixtures/proc/; default basic. */
  proc?: string
  /** Default /docker/c1, the container every tree holds. */
  name?: string
}

/** A collector for one container of a fixture tree (`cgroup_v1/separate`). */
export function fixtureCollector(tree: string, opts: FixtureOptions = {}): ContainerCollector {
  const layout = discoverCgroups({cgroupRoot: FIXTURES + tree, procRoot: FIXTURES + 'proc/' + (opts.proc ?? 'basic')})
  return new ContainerCollector(opts.name ?? '/docker/c1', {layout, kinds: opts.kinds ?? new Set(ALL_KINDS), files: new OpenFiles(64)})
}

/** One sample of that container; fails when there is none. */
export function collectFixture(tree: string, opts: FixtureOptions = {}): {sample: Sample; c: ContainerCollector} {
  const c = fixtureCollector(tree, opts)
  const sample = c.collect(1_000_000)
  assert.ok(sample, 'sample')
  return {sample, c}
}
