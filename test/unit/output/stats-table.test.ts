// The stats table fits the width it is given: fixed numeric columns, CONTAINER takes the rest
// and loses its middle, the least useful columns go first, and nothing is ever cut mid-column.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import type {StatsRow} from '../../../src/lib/model/index.js'
import {
  collectingLine,
  cpuCell,
  findingLine,
  ellipsize,
  PENDING_MARK,
  shortName,
  statsTableLines,
  tableLayout,
} from '../../../src/lib/output/stats-table.js'

const HEX = 'f3b5f305847a388ccd6ef51b467873e91b8a83102179a9dc27867e861c281348'

function row(name: string, extra: Partial<StatsRow> = {}): StatsRow {
  return {
    name,
    container: name,
    factory: 'containerd',
    depth: name.split('/').length - 1,
    time: '2026-01-01T00:00:00.000Z',
    cpuPercent: 1234.5678,
    memoryUsageBytes: 1023.9 * 2 ** 20,
    memoryLimitBytes: 15.55 * 2 ** 30,
    memoryLimited: true,
    memoryPercent: 100,
    netRxBytes: 1.049e9,
    netTxBytes: 999_499,
    blockReadBytes: 10.5e6,
    blockWriteBytes: 1.05e12,
    pids: 4_194_304,
    idle: false,
    ...extra,
  }
}

const widest = [
  row(`/kubepods/burstable/pod0a1b2c3d-4e5f-6789-abcd-ef0123456789/${HEX}`, {id: HEX}),
  row('/db'),
  row('/process_api/160e383a34f18e6885de99ee46c768cd'),
]

for (const width of [80, 100, 120, 160, 200]) {
  test(`at ${width} columns no line is longer, and every column shown is whole`, () => {
    const lines = statsTableLines(widest, {width})
    for (const l of lines) assert.ok([...l].length <= width, `${[...l].length} > ${width}: ${l}`)
    const header = lines[0]!.split(/\s{2,}/)
    for (const essential of ['CONTAINER', 'CPU %', 'MEM USAGE / LIMIT', 'PIDS'])
      assert.ok(header.includes(essential), `${essential} at ${width}`)
    // Each row has as many cells as the header has titles: nothing was cut off the end.
    for (const l of lines.slice(1)) assert.equal(l.split(/\s{2,}/).length, header.length, l)
  })
}

test('which columns fit: 80 drops BLOCK I/O, FACTORY, MEM % and ID; 120 keeps all but ID', () => {
  assert.deepEqual(tableLayout(['/x'], {width: 80}, true).columns, ['cpu', 'mem', 'net', 'pids'])
  assert.deepEqual(tableLayout(['/x'], {width: 120}, true).columns, ['factory', 'cpu', 'mem', 'memPercent', 'net', 'block', 'pids'])
  assert.deepEqual(tableLayout(['/x'], {width: 160}, true).columns, ['id', 'factory', 'cpu', 'mem', 'memPercent', 'net', 'block', 'pids'])
  assert.deepEqual(
    tableLayout(['/x'], {width: 160}, false).columns,
    ['factory', 'cpu', 'mem', 'memPercent', 'net', 'block', 'pids'],
    'no ID column without ids',
  )
  // CONTAINER takes the room left whatever the names, so a longer name moves nothing.
  assert.equal(
    tableLayout(['/x'], {width: 120}, false).nameWidth,
    tableLayout(['/a-much-longer-name'.repeat(5)], {width: 120}, false).nameWidth,
  )
})

test('off a terminal nothing is shortened but ids in names', () => {
  const lines = statsTableLines(widest, {})
  assert.ok(lines[1]!.startsWith('/kubepods/burstable/pod0a1b2c3d-4e5f-6789-abcd-ef0123456789/f3b5f305847a  f3b5f305847a  containerd'))
  const full = statsTableLines(widest, {noTrunc: true})
  assert.ok(full[1]!.startsWith(`/kubepods/burstable/pod0a1b2c3d-4e5f-6789-abcd-ef0123456789/${HEX}  ${HEX}  containerd`))
})

test('names lose their middle, keeping the start and the leaf', () => {
  assert.equal(ellipsize('/process_api/160e383a34f18e6885de99ee46c768cd', 20), '/process_…ee46c768cd')
  assert.equal([...ellipsize('/process_api/160e383a34f18e6885de99ee46c768cd', 20)].length, 20)
  assert.equal(ellipsize('/short', 20), '/short')
  assert.equal(shortName(`/docker/${HEX}`), '/docker/f3b5f305847a')
})

test('numbers never outgrow their columns', () => {
  for (const n of [0, 99.999, 999.99, 1234.5678, 9999.9, 12345.6, 640000]) assert.ok(cpuCell(n).length <= 7, cpuCell(n))
  const [, line] = statsTableLines([row('/x')], {width: 200})
  assert.deepEqual(line!.split(/\s{2,}/).slice(2), [
    '1234.6%',
    '1024MiB / 15.55GiB',
    '100.00%',
    '1.05GB / 999kB',
    '10.5MB / 1.05TB',
    '4194k',
  ])
})

test('the tree indents each row under its parent and names it relative to it', () => {
  const rows = [row('/'), row('/docker'), row(`/docker/${HEX}`, {container: 'web'}), row('/docker/plain')]
  const cells = statsTableLines(rows, {tree: true, width: 120})
    .slice(1)
    .map((l) => l.slice(0, 20).trimEnd())
  assert.deepEqual(cells, ['/', '  docker', '    web', '    plain'])
})

test('colour: the header in reverse video, the sort column underlined, memory near its limit in red', () => {
  const lines = statsTableLines([row('/x', {memoryPercent: 95})], {width: 120, colour: true, sort: 'mem'})
  assert.match(lines[0]!, /^\u001b\[7m/)
  assert.match(lines[0]!, /\u001b\[4mMEM USAGE \/ LIMIT\u001b\[24m/)
  assert.match(lines[1]!, /\u001b\[31m\s*95\.00%\u001b\[0m/)
  assert.doesNotMatch(statsTableLines([row('/x')], {width: 120}).join('\n'), /\u001b/)
  // At 80 columns MEM % gives way: MEM USAGE / LIMIT carries the colour instead.
  const narrow = statsTableLines([row('/x', {memoryPercent: 80})], {width: 80, colour: true})
  assert.match(narrow[1]!, /\u001b\[33m\s*1024MiB \/ 15\.55GiB\u001b\[0m/)
})

test('the collecting line counts cgroups (the header counts rows) and goes once every one has rates', () => {
  assert.equal(
    collectingLine(6, 7, 1000),
    'collecting: 6 of 7 cgroups not read twice yet (CPU % and I/O rates need two readings, 1s apart)',
  )
  assert.match(collectingLine(1, 1, 300)!, /1 of 1 cgroup not read twice yet .*300ms apart\)$/)
  assert.equal(collectingLine(0, 7, 1000), undefined)
})

test('while the first scan runs the collecting line counts what was found and the seconds', () => {
  assert.equal(findingLine(0, 200), 'collecting: finding containers')
  assert.equal(findingLine(1010, 2500), 'collecting: finding containers, 1010 so far (2s)')
})

test('at 100 columns CONTAINER keeps room for a readable name: MEM % and FACTORY give way', () => {
  const layout = tableLayout(['/x'], {width: 100}, false)
  assert.deepEqual(layout.columns, ['cpu', 'mem', 'net', 'block', 'pids'])
  assert.ok(layout.nameWidth >= 24, String(layout.nameWidth))
})

test('a row waiting for its runtime carries the mark after its factory, or before its name without FACTORY', () => {
  const waiting = row('/docker/abc', {factory: 'containerd', pending: 'containerd has not answered (timed out)'})
  const wide = statsTableLines([waiting, row('/db')], {width: 160})
  assert.match(wide[1]!, new RegExp(`^/docker/abc\\s+containerd\\${PENDING_MARK}\\s`))
  assert.match(wide[2]!, /^\/db\s+containerd\s/)
  const narrow = statsTableLines([waiting, row('/db')], {width: 80})
  assert.ok(!narrow[0]!.includes('FACTORY'))
  assert.match(narrow[1]!, new RegExp(`^\\${PENDING_MARK} /docker/abc\\s`))
  assert.match(narrow[2]!, /^\/db\s/)
})
