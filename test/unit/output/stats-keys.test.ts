// The keys of the live table.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {StatsKeys} from '../../../src/lib/output/stats-keys.js'

const keys = () => new StatsKeys({sort: 'cpu', tree: false, all: false, search: ''})

test('sort keys, tree and all toggles, q and Ctrl-C quit', () => {
  const k = keys()
  assert.equal(k.press('m'), 'changed')
  assert.equal(k.view.sort, 'mem')
  k.press('n')
  assert.equal(k.view.sort, 'name')
  k.press('t')
  k.press('a')
  assert.deepEqual(k.view, {sort: 'name', tree: true, all: true, search: ''})
  assert.equal(k.press('x'), undefined, 'an unbound key changes nothing')
  assert.equal(k.press('\u001b[A'), undefined, 'arrow keys are ignored')
  assert.equal(k.press('q'), 'quit')
  assert.equal(keys().press('\u0003'), 'quit')
})

test('/ starts a filter: typed live, Backspace edits, Enter keeps it, Esc clears it', () => {
  const k = keys()
  k.press('/')
  assert.match(k.footer(), /^filter: _/)
  k.press('webq')
  assert.equal(k.view.search, 'webq', 'q is text while typing a filter')
  k.press('\u007f')
  assert.equal(k.view.search, 'web')
  k.press('\r')
  assert.equal(k.editing, undefined)
  assert.equal(k.view.search, 'web')
  assert.match(k.footer(), /Esc clear "web"/)
  k.press('\u001b')
  assert.equal(k.view.search, '')
})
