// Writes oclif.manifest.json from the compiled commands, so that `cadv` starts without
// importing every command module to learn its flags (oclif reads the manifest instead).
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Plugin} from '@oclif/core'

const root = fileURLToPath(new URL('..', import.meta.url))
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true})
await plugin.load()
const manifest = plugin.manifest
if (Object.keys(manifest.commands).length === 0) {
  console.error('build-manifest: no commands found under dist/commands')
  process.exit(1)
}
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), JSON.stringify(manifest, null, 2) + '\n')
console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).sort().join(', ')}`)
