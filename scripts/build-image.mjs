#!/usr/bin/env node
// Builds cadv's container image from local files only (deploy/Containerfile): stages a root
// filesystem with this machine's Node.js binary and the shared libraries `ldd` says it needs,
// the built app (bin, dist, proto, man pages, oclif manifest) and its production dependencies
// (node_modules copied and pruned, so no registry is asked), then runs `podman build` or
// `docker build` on it.
//
//   node scripts/build-image.mjs [--tool podman|docker] [--tag localhost/cadv:<version>]
//   node scripts/build-image.mjs --context-only DIR    # stage only; build it yourself
//
// Run `npm run build` first (`npm run image` does both).
import {execFileSync, spawnSync} from 'node:child_process'
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

function fail(message) {
  process.stderr.write(`build-image: ${message}\n`)
  process.exit(2)
}

let args
try {
  args = parseArgs({
    options: {
      tool: {type: 'string', default: 'podman'},
      tag: {type: 'string', default: `localhost/cadv:${pkg.version}`},
      'context-only': {type: 'string'},
    },
  }).values
} catch (err) {
  fail(err.message)
}
if (!['podman', 'docker'].includes(args.tool)) fail(`--tool ${args.tool}: podman or docker`)
for (const f of ['dist/commands', 'oclif.manifest.json']) if (!existsSync(join(root, f))) fail(`${f} is missing: run npm run build first`)

/** The shared objects a binary loads, as absolute paths (the dynamic loader included). */
function sharedLibraries(binary) {
  const out = execFileSync('ldd', [binary], {encoding: 'utf8'})
  const libs = []
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line)
    if (m) libs.push(m[1])
  }
  return libs
}

/** Copies a file to the same path under `rootfs`, following symlinks but keeping the name. */
function copyAt(rootfs, path) {
  const dest = join(rootfs, path)
  mkdirSync(dirname(dest), {recursive: true})
  cpSync(realpathSync(path), dest)
}

function stage(context) {
  const rootfs = join(context, 'rootfs')
  rmSync(rootfs, {recursive: true, force: true})
  mkdirSync(rootfs, {recursive: true})
  // Node.js: the binary running this script and what it links.
  const node = realpathSync(process.execPath)
  copyAt(rootfs, node)
  if (node !== '/usr/bin/node') cpSync(node, join(rootfs, 'usr/bin/node'))
  for (const lib of sharedLibraries(node)) copyAt(rootfs, lib)
  // The app, as npm would install it (package.json "files"), plus the lock file for pruning.
  const app = join(rootfs, 'app')
  mkdirSync(app)
  for (const f of ['bin/run.js', 'dist', 'proto', 'oclif.manifest.json', 'package.json', 'package-lock.json']) {
    mkdirSync(dirname(join(app, f)), {recursive: true})
    cpSync(join(root, f), join(app, f), {recursive: true})
  }
  for (const f of (pkg.man ?? []).map((m) => m.replace(/^\.\//, ''))) if (existsSync(join(root, f))) cpSync(join(root, f), join(app, f))
  cpSync(join(root, 'node_modules'), join(app, 'node_modules'), {recursive: true, verbatimSymlinks: true})
  const prune = spawnSync('npm', ['prune', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--offline'], {
    cwd: app,
    encoding: 'utf8',
  })
  if (prune.status !== 0) fail(`npm prune failed: ${prune.stderr.trim().split('\n').pop()}`)
  rmSync(join(app, 'package-lock.json'))
  // Native addons (@parcel/watcher's) may link libraries node does not.
  for (const addon of execFileSync('find', [join(app, 'node_modules'), '-name', '*.node', '-type', 'f'], {encoding: 'utf8'})
    .split('\n')
    .filter(Boolean)) {
    for (const lib of sharedLibraries(addon)) if (!existsSync(join(rootfs, lib))) copyAt(rootfs, lib)
  }
  // Users and a scratch directory (HOME) for the non-root default user.
  mkdirSync(join(rootfs, 'etc'))
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/tmp:/sbin/nologin\n')
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n')
  mkdirSync(join(rootfs, 'tmp'))
  chmodSync(join(rootfs, 'tmp'), 0o1777)
  cpSync(join(root, 'deploy/Containerfile'), join(context, 'Containerfile'))
  return context
}

if (args['context-only']) {
  stage(args['context-only'])
  process.stdout.write(`${args['context-only']}\n`)
} else {
  const context = stage(mkdtempSync(join(tmpdir(), 'cadv-image-')))
  try {
    const r = spawnSync(args.tool, ['build', '-f', join(context, 'Containerfile'), '-t', args.tag, context], {stdio: 'inherit'})
    if (r.status !== 0) fail(`${args.tool} build exited ${r.status}`)
  } finally {
    rmSync(context, {recursive: true, force: true})
  }
}
