// The shape of src/ as a test: no import cycles, every import within the layers of
// eslint-rules/layers.mjs (the table the lint rule reads, so the two cannot disagree), and the
// fast `cadv resolve` path free of oclif and of what only the long-running commands need.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, readdirSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import ts from 'typescript'

import {layerViolation, resolveSpecifier} from '../../eslint-rules/layers.mjs'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

interface Imports {
  /** src-relative .ts files this one imports (relative specifiers). */
  local: string[]
  /** Package specifiers (node: builtins left out). */
  packages: string[]
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e)
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : []
  })
}

/**
 * Every src/**\/*.ts file (src-relative) with what it imports: static imports, re-exports,
 * side-effect imports and dynamic `import(`, as TypeScript's own scanner finds them (comments
 * and strings are not imports).
 */
function importGraph(): Map<string, Imports> {
  const graph = new Map<string, Imports>()
  for (const file of tsFiles(SRC).sort()) {
    const specs = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName)
    graph.set(relative(SRC, file), {
      local: specs.filter((s) => s.startsWith('.')).map((s) => resolveSpecifier(SRC, file, s)),
      packages: specs.filter((s) => !s.startsWith('.') && !s.startsWith('node:')),
    })
  }
  return graph
}

/** One cycle per strongly connected component (Tarjan), each as its files with the first repeated last. */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const visit = (v: string): void => {
    index.set(v, index.size)
    low.set(v, index.get(v)!)
    stack.push(v)
    onStack.add(v)
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!))
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(component)
    }
  }
  for (const v of edges.keys()) if (!index.has(v)) visit(v)
  // A component can hold several loops; the shortest path back to its first file is one to show.
  return components.map((component) => {
    const inside = new Set(component)
    const start = [...component].sort()[0]!
    const from = new Map<string, string>()
    const queue = [start]
    for (let i = 0; i < queue.length; i++) {
      const v = queue[i]!
      for (const w of edges.get(v) ?? []) {
        if (!inside.has(w)) continue
        if (w === start) {
          const path = [v]
          while (path[0] !== start) path.unshift(from.get(path[0]!)!)
          return [...path, start]
        }
        if (!from.has(w)) {
          from.set(w, v)
          queue.push(w)
        }
      }
    }
    return [start, start]
  })
}

const graph = importGraph()
const localEdges = new Map([...graph].map(([file, i]) => [file, i.local]))

test('src/ has no import cycles', () => {
  const cycles = findCycles(localEdges)
  assert.deepEqual(
    cycles.map((c) => c.join(' → ')),
    [],
    `import cycles in src/:\n${cycles.map((c) => `  ${c.join(' → ')}`).join('\n')}`,
  )
})

test('every import in src/ keeps to the layers of eslint-rules/layers.mjs', () => {
  const violations = [...localEdges].flatMap(([from, targets]) =>
    targets.flatMap((to) => {
      const why = layerViolation(from, to)
      return why === undefined ? [] : [`${from} → ${to}: ${why}`]
    }),
  )
  assert.deepEqual(violations, [], `layer violations in src/:\n${violations.map((v) => `  ${v}`).join('\n')}`)
})

test('the checks above catch a planted cycle and an upward import', () => {
  const planted = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts', 'd.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['d.ts']],
    ['e.ts', ['a.ts']],
  ])
  assert.deepEqual(findCycles(planted).sort(), [
    ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
    ['d.ts', 'd.ts'],
  ])
  assert.match(layerViolation(join('lib', 'stats', 'tracker.ts'), join('lib', 'manager', 'index.ts')) ?? '', /stats may not import manager/)
  assert.match(layerViolation(join('lib', 'manager', 'manager.ts'), join('lib', 'stats', 'collector.ts')) ?? '', /through its index\.ts/)
  assert.equal(layerViolation(join('lib', 'manager', 'manager.ts'), join('lib', 'stats', 'index.ts')), undefined)
  // The graph holds what the checks need: the manager reaches the stats layer.
  assert.ok(localEdges.get(join('lib', 'manager', 'manager.ts'))?.includes(join('lib', 'stats', 'index.ts')))
})

/** Every package a module reaches through its relative imports, static and dynamic. */
function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const walk = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const imports = graph.get(file)
    assert.ok(imports, `${file} is not in src/`)
    for (const p of imports.packages) packages.add(p)
    for (const f of imports.local) walk(f)
  }
  walk(entry)
  return packages
}

// One duration syntax everywhere, from a module without oclif: the fast `cadv resolve`,
// `cadv watch` and `cadv stats` paths and the web config reader must not load @oclif/core (about 150 ms).
test('the fast resolve, watch and stats paths and the web config reader do not load oclif', () => {
  for (const entry of [
    'lib/cli/fast-resolve.ts',
    'lib/cli/fast-watch.ts',
    'lib/cli/fast-stats.ts',
    'lib/metrics/web-config.ts',
    'lib/util/duration.ts',
  ]) {
    assert.ok(!packagesReached(entry).has('@oclif/core'), `${entry} reaches @oclif/core`)
  }
  // Nor what only the long-running commands need.
  const fast = packagesReached('lib/cli/fast-resolve.ts')
  for (const heavy of ['prom-client', 'cli-table3', '@parcel/watcher']) assert.ok(!fast.has(heavy), `the fast path reaches ${heavy}`)
})
