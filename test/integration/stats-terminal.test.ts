// `cadv stats` in a real terminal (tmux) on real cgroups with long names: the table fits the
// width at 80×24 and 120×40, keeps its row order from frame to frame, answers keys, and
// `--once` leaves its whole table in the scrollback.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'

import {CADV} from '../helpers/cli.js'
import {TestCgroups, realCgroupSkipReason} from '../helpers/cgroups.js'
import {shellWords, Tmux, tmuxSkipReason} from '../helpers/tmux.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason() ?? tmuxSkipReason()
const LONG = 'web-frontend-with-a-really-long-deployment-name-7f9c6d5b8-x2x4q'
const HEX = 'f3b5f305847a388ccd6ef51b467873e91b8a83102179a9dc27867e861c281348'
const API = 'process_api/160e383a34f18e6885de99ee46c768cd'
/** The leaves, each with one process; `busy` spins. */
const LEAVES = [LONG, HEX, API, 'db', 'busy', 'cache-7d4b9c']

let tc: TestCgroups | undefined
const terminals: Tmux[] = []
before(() => {
  if (skip) return
  tc = new TestCgroups('cadvt-tty')
  tc.mkdir()
  for (const l of LEAVES) {
    tc.mkdir(l)
    if (l === 'busy') tc.spawnIn(l, 'sh', ['-c', 'while :; do :; done'])
    else tc.spawnIn(l, 'sleep', ['600'])
  }
})
after(async () => {
  for (const t of terminals) t.stop()
  await tc?.cleanup()
})

function open(width: number, height: number, args: string[], env: Record<string, string> = {}): Tmux {
  const t = new Tmux(width, height, shellWords([process.execPath, CADV, 'stats', ...args]), env)
  terminals.push(t)
  return t
}

/** The header row and the rows of our leaves on a screen, or undefined while collecting. */
function frame(screen: string[]): {stamp: string; header: string; rows: string[]} | undefined {
  const stamp = /^cadv stats {2}(\S+)/.exec(screen[0] ?? '')?.[1]
  const h = screen.findIndex((l) => l.startsWith('CONTAINER'))
  if (!stamp || h < 0 || screen.some((l) => l.startsWith('collecting'))) return undefined
  const rows = screen.slice(h + 1).filter((l) => l !== '' && !l.startsWith('q quit'))
  if (rows.length < LEAVES.length) return undefined
  return {stamp, header: screen[h]!, rows}
}

const first = (row: string): string => row.split(/\s{2,}/)[0]!

/** Which leaf a CONTAINER cell shows (names may have lost their middle to an ellipsis). */
function leafOf(cell: string): string | undefined {
  const tail = cell.split('…').at(-1)!
  return LEAVES.find((l) => `${tc!.root}/${l.replace(HEX, HEX.slice(0, 12))}`.endsWith(tail))
}

for (const [width, height, columns] of [
  [80, 24, ['CONTAINER', 'CPU %', 'MEM USAGE / LIMIT', 'NET I/O', 'PIDS']],
  [120, 40, ['CONTAINER', 'FACTORY', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS']],
] as const) {
  test(`${width}×${height}: every column fits, long names lose their middle, order holds for ten frames`, {skip}, async () => {
    const t = open(width, height, ['--interval', '300ms', '--filter', `prefix=${tc!.root}`])
    const frames: NonNullable<ReturnType<typeof frame>>[] = []
    await until(
      'ten frames',
      () => {
        const f = frame(t.screen())
        if (f && f.stamp !== frames.at(-1)?.stamp) frames.push(f)
        return frames.length >= 10
      },
      60_000,
    )
    for (const f of frames) {
      const screen = [f.header, ...f.rows]
      for (const line of screen) assert.ok([...line].length <= width, `longer than ${width}: ${line}`)
      assert.deepEqual(f.header.split(/\s{2,}/), columns, f.header)
      assert.equal(f.rows.length, LEAVES.length, `only the leaves, not their parent:\n${f.rows.join('\n')}`)
      // PIDS is the last column, and every row has its one process there.
      for (const r of f.rows) assert.match(r, / 1$/, r)
    }
    const orders = frames.map((f) => f.rows.map(first).join('\n'))
    assert.equal(new Set(orders).size, 1, `the order changed:\n${orders.join('\n--\n')}`)
    const names = frames[0]!.rows.map(first)
    assert.match(names[0]!, /busy$/, 'the busy loop sorts first by CPU')
    assert.ok(
      names.some((n) => n.startsWith('/cadvt-tty-') && n.includes('…') && n.endsWith('-x2x4q')),
      `the long name keeps its start and its end: ${names.join(', ')}`,
    )
    assert.deepEqual(names.map(leafOf).sort(), [...LEAVES].sort(), names.join(', '))
    assert.ok(
      names.some((n) => n.endsWith('/f3b5f305847a')),
      `a 64-hex id is shortened to 12: ${names.join(', ')}`,
    )
  })
}

test('keys: n sorts by name, / filters, Esc clears, q quits', {skip}, async () => {
  const t = open(120, 40, ['--interval', '300ms', '--filter', `prefix=${tc!.root}`])
  await until('a full frame', () => frame(t.screen()), 60_000)
  t.keys('n')
  await until('rows sorted by name', () => {
    const f = frame(t.screen())
    if (!f || !t.screen()[0]!.includes('sorted by name')) return false
    return f.rows.map((r) => leafOf(first(r))).join() === [...LEAVES].sort().join()
  })
  t.keys('/')
  t.keys('cache', true)
  t.keys('Enter')
  await until('only the matching row', () => {
    const s = t.screen()
    const h = s.findIndex((l) => l.startsWith('CONTAINER'))
    const rows = s.slice(h + 1).filter((l) => l !== '' && !l.startsWith('q quit'))
    return h >= 0 && s[0]!.includes('matching "cache"') && rows.length === 1 && rows[0]!.includes('cache-7d4b9c')
  })
  t.keys('Escape')
  await until('every row back', () => frame(t.screen()) && !t.screen()[0]!.includes('matching'))
  t.keys('q')
  await until('cadv to exit on q', () => t.exited())
})

test('colour on a terminal, none with NO_COLOR', {skip}, async () => {
  const coloured = open(120, 40, ['--interval', '300ms', '--filter', `prefix=${tc!.root}`])
  const plain = open(120, 40, ['--interval', '300ms', '--filter', `prefix=${tc!.root}`], {NO_COLOR: '1'})
  await until('both tables', () => frame(coloured.screen()) && frame(plain.screen()), 60_000)
  assert.match(coloured.screenWithEscapes(), /\u001b\[7m/, 'the header is in reverse video')
  assert.doesNotMatch(plain.screenWithEscapes(), /\u001b\[(?:[0-9;]*;)?7m/)
})

test('--once on a terminal: plain text, nothing cleared, every row in the scrollback', {skip}, async () => {
  // More rows than the terminal is tall: the idle siblings show with --all.
  for (let i = 0; i < 30; i++) tc!.mkdir(`idle-${String(i).padStart(2, '0')}`)
  const cmd = `echo BEFORE-CADV; ${shellWords([process.execPath, CADV, 'stats', '--once', '--all', '--interval', '300ms', '--filter', `prefix=${tc!.root}`])}; echo "EXIT $?"`
  const t = new Tmux(80, 24, cmd)
  terminals.push(t)
  const lines = await until(
    'cadv to finish',
    () => {
      const l = t.scrollback()
      return l.some((x) => x.startsWith('EXIT ')) ? l : undefined
    },
    60_000,
  )
  assert.ok(lines.includes('EXIT 0'), lines.join('\n'))
  assert.ok(lines.includes('BEFORE-CADV'), 'the screen was not cleared')
  const rows = lines.filter((l) => /idle-\d\d/.test(l))
  assert.equal(rows.length, 30, `every row, none cut by height:\n${lines.join('\n')}`)
  assert.ok(!lines.some((l) => /more lines/.test(l)))
  for (const l of lines) assert.ok([...l].length <= 80, `longer than 80: ${l}`)
  assert.equal(lines.filter((l) => l.startsWith('CONTAINER')).length, 1)
})
