/*
 * The discovery fixture trees (test/fixtures/discovery: --cgroup-root layouts and --proc-root
 * mountinfo files) and what tests ask of a layout found on them.
 */
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'

import {CgroupDiscoveryError, selectHierarchies, type CgroupLayout} from '../../src/lib/cgroups/index.js'
import {controllersForKinds, selectKinds} from '../../src/lib/stats/index.js'
import {scanHierarchies} from '../../src/lib/watch/index.js'

export const DISCOVERY = fileURLToPath(new URL('../fixtures/discovery/', import.meta.url))
/** The container id the trees hold under each runtime's parent. */
export const DISCOVERY_ID = '3f2a9c0d1e4b5a6978a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b'

/** The layout's hierarchy ids, sorted. */
export function hierarchyIds(layout: CgroupLayout): string[] {
  return layout.hierarchies.map((h) => h.id).sort()
}

/** The cgroup names a scan finds on the default kinds' hierarchies (or on the named ones), sorted. */
export function scannedNames(layout: CgroupLayout, hierarchyIds: string[] = []): string[] {
  return [...scanHierarchies(selectHierarchies(layout, controllersForKinds(selectKinds()), hierarchyIds)).keys()].sort()
}

/** Asserts that fn throws a CgroupDiscoveryError with exit code 2 whose message matches. */
export function discoveryError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof CgroupDiscoveryError && e.exitCode === 2 && message.test(e.message))
}
