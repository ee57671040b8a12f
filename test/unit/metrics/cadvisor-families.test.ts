// Every one of cAdvisor's 124 metric families (test/fixtures/cadvisor/families.json, cAdvisor
// commit 6a0c4f25) is declared by cadv with the same name, type and HELP text, under the same
// --enable-metrics kind (or always on). Which of them this host can show is the integration
// test's question (test/integration/kinds/cadvisor-families.test.ts).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {Exposition, readMachineFacts, readMachineInfo} from '../../../src/lib/metrics/index.js'
import {ALL_KINDS, KINDS, type KindDefinition, type MetricKind} from '../../../src/lib/stats/index.js'

interface CadvisorFamily {
  name: string
  type: 'counter' | 'gauge'
  help: string
  kind: string
  labels: string[]
}

const FAMILIES = JSON.parse(readFileSync(new URL('../../fixtures/cadvisor/families.json', import.meta.url), 'utf8')) as {
  source: {commit: string}
  families: CadvisorFamily[]
}

const machine = readMachineInfo()
const machineFacts = readMachineFacts()

/** The families an exposition of these kinds declares, by name. */
function declared(kinds: readonly MetricKind[]): Map<string, {type: string; help: string}> {
  const e = new Exposition({kinds: new Set(kinds), machine, machineFacts, version: 't'})
  return new Map(e.families.map((f) => [f.name, {type: f.type, help: f.help}]))
}

test(`cAdvisor's 124 families (commit ${FAMILIES.source.commit.slice(0, 8)}): same name, type, HELP and kind`, () => {
  assert.equal(FAMILIES.families.length, 124)
  const always = declared([])
  const byKind = new Map(ALL_KINDS.map((k) => [k, declared([k])]))
  const problems: string[] = []
  for (const f of FAMILIES.families) {
    const where = f.kind === 'always' ? always : byKind.get(f.kind as MetricKind)
    const mine = where?.get(f.name)
    if (!mine) {
      // A kind cadv cannot collect says why at start; its families are not declared.
      const kind = KINDS[f.kind as MetricKind] as KindDefinition | undefined
      if (!kind?.reader && !kind?.families && kind?.unavailable) continue
      problems.push(`${f.name}: not declared under ${f.kind}`)
      continue
    }
    if (f.kind !== 'always' && always.has(f.name)) problems.push(`${f.name}: always on in cadv, gated by ${f.kind} in cAdvisor`)
    if (mine.type !== f.type) problems.push(`${f.name}: type ${mine.type}, cAdvisor ${f.type}`)
    if (mine.help !== f.help) problems.push(`${f.name}: HELP "${mine.help}", cAdvisor "${f.help}"`)
  }
  assert.deepEqual(problems, [])
})

test('cadv declares no container_ or machine_ family cAdvisor does not have', () => {
  const theirs = new Set(FAMILIES.families.map((f) => f.name))
  const all = declared([...ALL_KINDS])
  const extra = [...all.keys()].filter((n) => /^(container|machine)_/.test(n) && !theirs.has(n))
  assert.deepEqual(extra, [])
})
