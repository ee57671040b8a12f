// One golden exposition per cgroup fixture tree (test/fixtures/cgroup_v1/<case>, cgroup_v2/<case>):
// every container of the tree, every metric kind, rendered the way `cadv serve --once` renders
// them (manager → collector → store → exposition), then compared with
// test/fixtures/golden/<tree>.prom. Any change to /metrics output is then a diff in review.
// What is not the tree's own is pinned: the clock (container_last_seen, first-seen times), the
// directories' mtimes (creation times), the machine and the version.
//
// Rewrite them after an intended change: UPDATE_GOLDEN=1 npm run test:unit -- golden
import {mock, test} from 'node:test'
import assert from 'node:assert/strict'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, dirname, join, relative} from 'node:path'

import {firstRound} from '../../src/lib/app/index.js'
import {discoverCgroups, selectHierarchies} from '../../src/lib/cgroups/index.js'
import {createResolver} from '../../src/lib/factories/index.js'
import {createManager} from '../../src/lib/manager/index.js'
import {renderExposition, type MachineInfo} from '../../src/lib/metrics/index.js'
import {ALL_KINDS, controllersForKinds} from '../../src/lib/stats/index.js'
import {scanHierarchies} from '../../src/lib/watch/index.js'
import {FIXTURES} from '../helpers/collect.js'
import {shortDiff} from '../helpers/diff.js'
import {parseExposition} from '../helpers/exposition.js'
import {until} from '../helpers/wait.js'

const GOLDEN = join(FIXTURES, 'golden')
const UPDATE = process.env.UPDATE_GOLDEN === '1'
/** When the fixture cgroups were "created" (their directories' mtime), and when cadv looks. */
const CREATED_S = 1_700_000_000
const NOW_MS = 1_700_000_600_000
const MACHINE: MachineInfo = {
  cpuCores: 4,
  memoryBytes: 8 * 2 ** 30,
  swapBytes: 2 ** 30,
  machineId: 'golden-machine-id',
  bootId: 'golden-boot-id',
  systemUuid: 'golden-system-uuid',
  kernelVersion: '6.1.0-golden',
  osVersion: 'Golden Linux',
}
const KINDS = new Set(ALL_KINDS)

const TREES = ['cgroup_v1', 'cgroup_v2'].flatMap((v) =>
  readdirSync(join(FIXTURES, v))
    .sort()
    .map((c) => `${v}/${c}`),
)

function pinMtimes(dir: string): void {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e)
    if (statSync(p).isDirectory()) pinMtimes(p)
    utimesSync(p, CREATED_S, CREATED_S)
  }
  utimesSync(dir, CREATED_S, CREATED_S)
}

/** The exposition of every container of a fixture tree, as `cadv serve --once` writes it. */
async function render(tree: string): Promise<string> {
  // A copy, so that the creation times (oldest directory mtime) do not depend on the checkout.
  const tmp = mkdtempSync(join(tmpdir(), 'cadv-golden-'))
  const root = join(tmp, 'tree')
  cpSync(join(FIXTURES, tree), root, {recursive: true})
  pinMtimes(root)
  mock.timers.enable({apis: ['Date'], now: NOW_MS})
  try {
    // A tree may come with a host of its own (test/fixtures/host/<case>: proc/ and the sys/ beside it).
    const host = join(FIXTURES, 'host', basename(tree), 'proc')
    const layout = discoverCgroups({cgroupRoot: root, procRoot: existsSync(host) ? host : join(FIXTURES, 'proc/basic')})
    const expected = scanHierarchies(selectHierarchies(layout, controllersForKinds(KINDS))).size
    const manager = createManager({layout, kinds: KINDS, resolver: createResolver({offline: true})})
    await manager.start()
    try {
      await firstRound(manager, 5000)
      // firstRound gives up after its cap on a loaded machine; the golden needs every container.
      await until(`a sample of each of ${expected} containers`, () => {
        const states = [...manager.containers()]
        return states.length === expected && states.every((s) => s.samples.length > 0)
      })
      return await renderExposition(manager, {kinds: KINDS, machine: MACHINE, version: 'golden'}, false, 'prometheus')
    } finally {
      await manager.stop()
    }
  } finally {
    mock.timers.reset()
    rmSync(tmp, {recursive: true, force: true})
  }
}

for (const tree of TREES) {
  test(`golden exposition: ${tree}`, async () => {
    const text = await render(tree)
    parseExposition(text, 'prometheus')
    const file = join(GOLDEN, `${tree}.prom`)
    const shown = relative(process.cwd(), file)
    if (UPDATE) {
      mkdirSync(dirname(file), {recursive: true})
      writeFileSync(file, text)
      return
    }
    assert.ok(existsSync(file), `${shown} is missing: UPDATE_GOLDEN=1 npm run test:unit -- golden writes it`)
    const golden = readFileSync(file, 'utf8')
    if (text !== golden) {
      assert.fail(
        `/metrics output for ${tree} differs from ${shown}; if that is intended, UPDATE_GOLDEN=1 npm run test:unit -- golden ` +
          `and commit the file\n${shortDiff(golden, text, [shown, 'rendered'])}`,
      )
    }
  })
}

test('every golden file has its fixture tree', () => {
  const files = ['cgroup_v1', 'cgroup_v2'].flatMap((v) =>
    existsSync(join(GOLDEN, v)) ? readdirSync(join(GOLDEN, v)).map((f) => `${v}/${f.replace(/\.prom$/, '')}`) : [],
  )
  assert.deepEqual(
    files.filter((f) => !TREES.includes(f)),
    [],
    'golden files without a fixture tree: delete them',
  )
})
