// The config file: its keys are flag names; the command line wins, then the environment,
// then the file; a key that is no flag is an error naming the nearest one.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {applyConfig, readConfig, type ApplyConfigOptions, type ConfigFlag} from '../../../src/lib/cli/config-file.js'

const flags: Record<string, ConfigFlag> = {
  interval: {type: 'option'},
  once: {type: 'boolean', aliases: ['no-stream']},
  sort: {type: 'option'},
  filter: {type: 'option', multiple: true},
  all: {type: 'boolean', char: 'a'},
  docker: {type: 'option', env: 'CADV_DOCKER'},
  'store-labels': {type: 'boolean', allowNo: true},
}
const base = (values: Record<string, unknown>, extra: Partial<ApplyConfigOptions> = {}): ApplyConfigOptions => ({
  path: '/etc/cadv/config.yaml',
  values,
  command: 'stats',
  commands: ['stats', 'serve', 'watch'],
  flags,
  allFlags: [...Object.keys(flags), 'listen'],
  env: {},
  ...extra,
})

test('top-level keys apply to commands that have the flag; a section to its command only, over the top level', () => {
  const values = {
    docker: 'unix:///d.sock',
    listen: ':8080',
    sort: 'cpu',
    stats: {sort: 'mem', filter: ['factory=docker', 'label=a'], all: true},
    serve: {listen: ':9090'},
  }
  assert.deepEqual(applyConfig(['--once'], base(values)), [
    '--docker',
    'unix:///d.sock',
    '--sort',
    'mem',
    '--filter',
    'factory=docker',
    '--filter',
    'label=a',
    '--all',
    '--once',
  ])
})

test('the command line wins in any spelling, then the environment', () => {
  const values = {interval: '5s', once: true, all: true, docker: '/x.sock', 'store-labels': true}
  assert.deepEqual(
    applyConfig(['--interval=1s', '--no-stream', '-va', '--no-store-labels'], base(values, {env: {CADV_DOCKER: '/env.sock'}})),
    ['--interval=1s', '--no-stream', '-va', '--no-store-labels'],
  )
  assert.deepEqual(
    applyConfig(['--', '--interval'], base({interval: '5s'})),
    ['--interval', '5s', '--', '--interval'],
    'after -- nothing is a flag',
  )
})

test('false turns off a --[no-] flag and leaves a plain switch at its default', () => {
  assert.deepEqual(applyConfig([], base({'store-labels': false, all: false})), ['--no-store-labels'])
})

test('mistakes are one line naming the file and the key, with the nearest flag', () => {
  assert.throws(
    () => applyConfig([], base({intervall: '2s'})),
    /^Error: config file \/etc\/cadv\/config.yaml: unknown key "intervall" \(did you mean interval\?\)$/,
  )
  assert.throws(() => applyConfig([], base({stats: {listen: ':1'}})), /stats: unknown key "listen"; cadv help stats lists the flags/)
  assert.throws(() => applyConfig([], base({stats: {sortt: 'mem'}})), /stats: unknown key "sortt" \(did you mean sort\?\)/)
  assert.throws(() => applyConfig([], base({all: 'yes'})), /all: expected true or false/)
  assert.throws(() => applyConfig([], base({sort: ['a', 'b']})), /sort: takes one value, not a list/)
  assert.throws(() => applyConfig([], base({stats: 'mem'})), /stats: expected flag: value pairs/)
})

test('a file that is not YAML: one line with the place, not the snippet yaml appends', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-config-'))
  try {
    writeFileSync(join(dir, 'c.yaml'), 'stats: [\n')
    assert.throws(
      () => readConfig(join(dir, 'c.yaml')),
      (err: Error) => {
        assert.match(err.message, /^config file .*c\.yaml: not YAML: .* at line 2, column 1$/)
        return true
      },
    )
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
