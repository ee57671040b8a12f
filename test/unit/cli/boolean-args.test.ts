// cAdvisor's Go-style `--flag=false` spelling of boolean flags, turned into oclif's `--no-flag`.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {normalizeBooleanArgs} from '../../../src/lib/cli/index.js'

test('Go-style --flag=false for boolean flags', () => {
  const flags = ['store-container-labels']
  assert.deepEqual(normalizeBooleanArgs(['--store-container-labels=false', '--x=false'], flags), [
    '--no-store-container-labels',
    '--x=false',
  ])
  assert.deepEqual(normalizeBooleanArgs(['--store-container-labels=TRUE'], flags), ['--store-container-labels'])
  assert.deepEqual(normalizeBooleanArgs(['--', '--store-container-labels=false'], flags), ['--', '--store-container-labels=false'])
})
