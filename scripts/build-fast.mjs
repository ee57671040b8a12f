// Bundles the oclif-free paths of `cadv stats`, `cadv watch` and `cadv resolve` (bin/run.js
// takes them first) into dist/lib/cli/fast/: a handful of files instead of 35 to 160 modules
// that Node finds, reads, compiles and links one by one. Importing the stats path alone cost
// 112 ms of CPU over `node -e 0` from dist/, 47 ms bundled; the watch path 40 and 14 ms (README,
// start-up). What a path imports only when it needs it (--resolve, a live watch, a runtime's
// client) stays in chunks of its own, loaded then; packages stay in node_modules.
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {build} from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = 'dist/lib/cli/fast'

await build({
  absWorkingDir: root,
  entryPoints: {
    // The inspector shield bin/run.js applies first: from the bundle, so the fast paths share its
    // code instead of loading dist/'s copy too.
    context: 'dist/lib/app/context.js',
    'fast-stats': 'dist/lib/cli/fast-stats.js',
    'fast-watch': 'dist/lib/cli/fast-watch.js',
    'fast-resolve': 'dist/lib/cli/fast-resolve.js',
  },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir: out,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  logLevel: 'warning',
})

// `cadv serve`'s command line, read once with the command's flag definitions and oclif's parser,
// as CommonJS: lib/cli/fast-serve.ts loads it with require and drops it from require's cache with
// the modules it loaded, so that the server's heap does not keep oclif's help, ux and errors
// modules for its whole life (cli/serve-line.ts). What it imports of dist/ is bundled in (a copy
// that goes with it: flag modules import only small, stateless modules); packages stay in
// node_modules. import.meta means nothing in CommonJS (esbuild makes it {}): the build fails if a
// module in the bundle uses it (esbuild warns of modules it then leaves out too, hence silent).
await build({
  absWorkingDir: root,
  entryPoints: {'serve-line': 'dist/lib/cli/serve-line.js'},
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir: out,
  outExtension: {'.js': '.cjs'},
  logLevel: 'warning',
  logOverride: {'empty-import-meta': 'silent'},
})
const serveLine = readFileSync(`${root}${out}/serve-line.cjs`, 'utf8')
const metaInCjs = serveLine.match(/\bimport_meta\d*\b[^\n]{0,40}/g)
if (metaInCjs) throw new Error(`${out}/serve-line.cjs: import.meta in CommonJS: ${metaInCjs.join('; ')}`)
// 53 kB when the flag modules import what they need past app's and factories' index (DEEP_IMPORTS);
// through an index the copy of the app it carries grows to 220 kB, loaded at every start.
if (serveLine.length > 100_000)
  throw new Error(
    `${out}/serve-line.cjs is ${serveLine.length} bytes: does a flag module import through an index (eslint-rules/layers.mjs)?`,
  )

// A module that finds a file from its own place (new URL('../../../../proto', import.meta.url))
// finds it from its bundle's: the bundle sits as deep under dist/ as those modules do, and the
// build fails when such a path names nothing from there or import.meta is used another way.
for (const f of readdirSync(`${root}${out}`)) {
  const file = `${root}${out}/${f}`
  const text = readFileSync(file, 'utf8')
  const uses = text.match(/import\.meta\b[^\n]{0,40}/g) ?? []
  const relative = [...text.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)]
  if (uses.length !== relative.length)
    throw new Error(`${out}/${f}: import.meta used other than as new URL(path, import.meta.url): ${uses.join('; ')}`)
  for (const [, path] of relative) {
    const target = new URL(path, pathToFileURL(file))
    if (!existsSync(target)) throw new Error(`${out}/${f}: ${path} from the bundle is ${fileURLToPath(target)}, which does not exist`)
  }
}
