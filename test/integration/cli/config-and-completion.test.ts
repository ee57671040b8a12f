// The config file and shell completion through the built CLI.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {CADV, runCli} from '../../helpers/cli.js'

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'cadv-config-'))
after(() => rmSync(dir, {recursive: true, force: true}))

function config(name: string, text: string): NodeJS.ProcessEnv {
  const path = join(dir, name)
  writeFileSync(path, text)
  return {...process.env, CADV_CONFIG: path}
}

test('keys of the config file are flags; the command line wins', async () => {
  const env = config(
    'stats.yaml',
    `cgroup-root: ${fixtures}cgroup_v2/basic\nproc-root: ${fixtures}proc/basic\nstats:\n  interval: 200ms\n  format: ndjson\n  all: true\n  once: true\n`,
  )
  const r = await runCli(['stats'], {env})
  assert.equal(r.code, 0, r.stderr)
  const names = r.stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as {name: string}).name)
  assert.deepEqual(names.sort(), ['/', '/docker', '/docker/c1'])
  const table = await runCli(['stats', '--format', 'table'], {env})
  assert.match(table.stdout, /^cadv stats .*\nCONTAINER /)
})

test('a key that is no flag is one line naming it, exit 2', async () => {
  const r = await runCli(['stats'], {env: config('bad.yaml', 'stats:\n  intervall: 2s\n')})
  assert.equal(r.code, 2)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /^cadv stats: config file .*bad\.yaml: stats: unknown key "intervall" \(did you mean interval\?\)/)
  assert.equal(r.stderr.split('\n').length, 2)
  const missing = await runCli(['watch', '--once'], {env: {...process.env, CADV_CONFIG: join(dir, 'none.yaml')}})
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /^cadv watch: config file .*none\.yaml: cannot read \(no such file or directory\)\n$/)
})

test('cadv resolve reads the file on both of its paths', async () => {
  const env = config('resolve.yaml', 'resolve:\n  offline: true\n  json: true\n')
  const fast = await runCli(['resolve', `/docker/${'a'.repeat(64)}`], {env})
  const slow = await runCli(['resolve', `/docker/${'a'.repeat(64)}`], {env: {...env, CADV_NO_FAST_PATH: '1'}})
  assert.equal(fast.code, 0, fast.stderr)
  assert.equal((JSON.parse(fast.stdout) as {factory: string}).factory, 'docker', 'offline: decided from the name')
  assert.equal(fast.stdout, slow.stdout)
})

test(
  'bash completion: commands and their flags, generated offline',
  {skip: spawnSync('bash', ['--version']).status === 0 ? undefined : 'no bash'},
  async () => {
    const home = join(dir, 'home')
    const setup = await runCli(['autocomplete', 'bash'], {env: {...process.env, HOME: home, XDG_CACHE_HOME: join(home, '.cache')}})
    assert.equal(setup.code, 0, setup.stderr)
    const complete = (words: string[]): string[] => {
      const script = `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _cadv_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`
      const r = spawnSync('bash', ['-c', script, 'bash', join(home, '.cache/cadv/autocomplete/functions/bash/cadv.bash')], {
        encoding: 'utf8',
      })
      return r.stdout.split(/\s+/).filter(Boolean)
    }
    assert.ok(complete(['cadv', 'st']).includes('stats'), complete(['cadv', 'st']).join(' '))
    assert.ok(complete(['cadv', 'stats', '--so']).includes('--sort'))
    assert.ok(!complete(['cadv', 'stats', '--']).includes('--env-metadata-whitelist'))
    assert.ok(CADV.endsWith('run.js'))
  },
)
