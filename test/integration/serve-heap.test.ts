// `cadv serve` turns on V8's memory-saving mode itself (app/heap.ts), unless the node command
// line chose (`node --no-optimize-for-size bin/run.js serve`): once the containers found at
// start have been read (their first readings make most of what stays alive), with --once at once.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {heapModeGiven, youngGenerationGiven} from '../../src/lib/app/heap.js'
import {get} from '../helpers/http-client.js'
import {ServeProcess} from '../helpers/serve.js'
import {runCli} from '../helpers/cli.js'
import {until} from '../helpers/wait.js'

/** These tests need a server, not the machine's cgroups: only `/` is tracked. */
const ONLY_ROOT = ['-v', '--raw-cgroup-prefix-whitelist', '/cadv-serve-heap-tracks-no-raw-cgroups']
const NOTE = /V8 memory-saving mode on/

test('the node command line decides when it names the mode, either way', () => {
  assert.equal(heapModeGiven([]), false)
  assert.equal(heapModeGiven(['--max-semi-space-size=4']), false)
  assert.equal(heapModeGiven(['--no-optimize-for-size']), true)
  assert.equal(heapModeGiven(['--optimize_for_size']), true)
})

test('the young generation is held unless the node command line sized it', () => {
  assert.equal(youngGenerationGiven([]), false)
  assert.equal(youngGenerationGiven(['--optimize-for-size']), false)
  assert.equal(youngGenerationGiven(['--max-semi-space-size=4']), true)
  assert.equal(youngGenerationGiven(['--min_semi_space_size=2']), true)
  assert.equal(youngGenerationGiven(['--semi-space-growth-factor=2']), true)
})

test('cadv serve runs in V8 memory-saving mode once the containers found at start were read, and node --no-optimize-for-size keeps it off', async () => {
  const on = await new ServeProcess(ONLY_ROOT).ready()
  try {
    assert.equal((await get(`${on.url}/healthz`)).status, 200)
    await until('the memory-saving mode', () => NOTE.test(on.stderr) || undefined, {timeoutMs: 60_000, detail: () => on.stderr})
    // Not before the server started: the start's first readings ran in V8's normal mode.
    assert.ok(on.stderr.search(NOTE) > on.stderr.search(/listening on/), on.stderr)
  } finally {
    assert.equal(await on.stop(), 0)
  }
  const off = await new ServeProcess(ONLY_ROOT, {}, ['--no-optimize-for-size']).ready()
  try {
    assert.equal((await get(`${off.url}/healthz`)).status, 200)
    assert.doesNotMatch(off.stderr, NOTE)
  } finally {
    assert.equal(await off.stop(), 0)
  }
})

test('cadv serve --once turns the mode on at once', async () => {
  const r = await runCli(['serve', '--once', ...ONLY_ROOT])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, NOTE)
})
