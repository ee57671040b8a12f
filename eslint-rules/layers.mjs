// The layers of src/ (docs/ARCHITECTURE.md, "Layers"), as data: the lint rule below and the
// architecture test (test/unit/architecture.test.ts) both read this table, so the picture in the
// docs, the linter and the test cannot drift apart.
import {dirname, relative, resolve, sep} from 'node:path'

/**
 * Each top-level folder of src/lib (and src/commands) with the folders it may import. A folder
 * may import itself freely; another folder only through its index.ts.
 */
export const LAYERS = {
  model: [],
  util: [],
  cgroups: ['model', 'util'],
  watch: ['model', 'util', 'cgroups'],
  factories: ['model', 'util', 'cgroups'],
  stats: ['model', 'util', 'cgroups'],
  events: ['model', 'util', 'cgroups', 'stats'],
  manager: ['model', 'util', 'cgroups', 'watch', 'factories', 'stats', 'events'],
  output: ['model', 'util', 'cgroups', 'stats'],
  metrics: ['model', 'util', 'cgroups', 'watch', 'stats', 'events', 'output'],
  storage: ['model', 'util', 'stats', 'metrics'],
  app: ['model', 'util', 'cgroups', 'watch', 'factories', 'stats', 'events', 'manager', 'output', 'metrics', 'storage'],
  cli: ['model', 'util', 'cgroups', 'factories', 'stats', 'output', 'watch', 'app'],
  commands: ['model', 'util', 'cgroups', 'factories', 'stats', 'output', 'watch', 'metrics', 'app', 'cli'],
}

/**
 * Leaf imports allowed past an index.ts, each for a measured reason: `cadv resolve` starts without
 * oclif and without the modules only the long-running commands need (README, resolve benchmark), and
 * so does `cadv watch` (README, watch benchmark). `cadv serve`'s flag definitions are bundled into a
 * CommonJS file read once and dropped (lib/cli/serve-line.ts): through app's index they would
 * bundle 220 kB of the app instead of 53.
 */
export const DEEP_IMPORTS = {
  'lib/cli/fast-args.ts': ['lib/app/context.ts'],
  'lib/cli/fast-resolve.ts': ['lib/app/context.ts', 'lib/app/resolve.ts'],
  'lib/cli/fast-runtime.ts': ['lib/app/options.ts', 'lib/factories/options.ts'],
  'lib/cli/fast-watch.ts': ['lib/app/context.ts', 'lib/app/watch.ts', 'lib/watch/types.ts'],
  'lib/cli/fast-stats.ts': ['lib/app/context.ts', 'lib/app/stats.ts'],
  'lib/cli/runtime-flags.ts': ['lib/app/options.ts', 'lib/factories/options.ts'],
  'lib/cli/events-flags.ts': ['lib/app/options.ts'],
  'lib/app/options.ts': ['lib/events/limits.ts'],
  'lib/app/resolve.ts': ['lib/output/decision.ts'],
  'lib/app/watch.ts': ['lib/output/ndjson.ts', 'lib/stats/kinds/default-controllers.ts', 'lib/watch/scan.ts', 'lib/watch/types.ts'],
}

/** The layer of a path under src/: `lib/<folder>/…` or `commands`. */
export function layerOf(srcRelative) {
  const parts = srcRelative.split(sep)
  if (parts[0] === 'commands') return 'commands'
  if (parts[0] === 'lib' && parts.length > 2) return parts[1]
  return undefined
}

/**
 * Why importing `to` from `from` breaks the layering, or undefined when it is fine. Both are
 * paths relative to src/, with .ts extensions.
 */
export function layerViolation(from, to) {
  const a = layerOf(from)
  const b = layerOf(to)
  if (a === undefined || b === undefined) return undefined
  if (a === b) return undefined
  const allowed = LAYERS[a]
  if (allowed === undefined) return `${a} is not a known layer: add it to eslint-rules/layers.mjs`
  if (!allowed.includes(b)) return `${a} may not import ${b} (layers: docs/ARCHITECTURE.md)`
  const index = b === 'commands' ? undefined : `lib${sep}${b}${sep}index.ts`
  if (to !== index && !(DEEP_IMPORTS[from.split(sep).join('/')] ?? []).includes(to.split(sep).join('/'))) {
    return `import ${b} through its index.ts, not ${to.split(sep).join('/')}`
  }
  return undefined
}

/** The src-relative .ts path a relative import specifier in `file` names. */
export function resolveSpecifier(srcRoot, file, specifier) {
  return relative(srcRoot, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
}

/** ESLint rule `cadv/layers`: every relative import obeys LAYERS. */
export const layersRule = {
  meta: {type: 'problem', docs: {description: 'imports follow the layers of docs/ARCHITECTURE.md'}, schema: []},
  create(context) {
    const file = context.filename
    const srcRoot = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src')
    if (!file.startsWith(srcRoot + sep)) return {}
    const from = relative(srcRoot, file)
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return
      const why = layerViolation(from, resolveSpecifier(srcRoot, file, spec))
      if (why) context.report({node, message: why})
    }
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    }
  },
}
