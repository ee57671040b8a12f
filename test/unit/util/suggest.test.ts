// "Did you mean": typos and abbreviations find their word, other words find nothing.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {closest, didYouMean, editDistance} from '../../../src/lib/util/suggest.js'

test('edit distance counts a swap of neighbours as one edit', () => {
  assert.equal(editDistance('sotr', 'sort'), 1)
  assert.equal(editDistance('statz', 'stats'), 1)
  assert.equal(editDistance('', 'abc'), 3)
})

test('typos and unique abbreviations are suggested; unrelated words are not', () => {
  const commands = ['watch', 'stats', 'serve', 'resolve', 'help', 'version']
  assert.equal(closest('statz', commands), 'stats')
  assert.equal(closest('resolv', commands), 'resolve')
  assert.equal(closest('ver', commands), 'version')
  assert.equal(closest('se', commands), 'serve', 'the only command starting with se')
  assert.equal(closest('s', commands), undefined, 'one letter is no abbreviation')
  assert.equal(closest('banana', commands), undefined)
  assert.equal(didYouMean('--sortt', ['--sort', '--all']), ' (did you mean --sort?)')
  assert.equal(didYouMean('dockr', ['docker', 'podman']), ' (did you mean docker?)')
})
