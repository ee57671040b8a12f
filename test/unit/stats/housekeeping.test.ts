// The housekeeping schedule: the dynamic interval, jitter, and the timer loop that ticks each container.
import {test, mock} from 'node:test'
import assert from 'node:assert/strict'

import {
  Housekeeping,
  nextInterval,
  SLICE_MS,
  TickQueue,
  DueHeap,
  withJitter,
  onDueGrid,
  DUE_GRID_MAX_MS,
  DEFAULT_HOUSEKEEPING,
  type DueTick,
  type TickOutcome,
} from '../../../src/lib/stats/index.js'

test('dynamic interval doubles while equal up to the maximum, snaps back on change (1, 2, 4 … 32, 60 s)', () => {
  const o = DEFAULT_HOUSEKEEPING
  const seen = [o.intervalMs]
  let i = o.intervalMs
  for (let n = 0; n < 8; n++) seen.push((i = nextInterval(i, 'equal', o)))
  assert.deepEqual(seen, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000])
  assert.equal(nextInterval(60000, 'changed', o), 1000)
  assert.equal(nextInterval(8000, 'none', o), 8000, 'a tick without a sample keeps the interval')
  assert.equal(nextInterval(1000, 'equal', {...o, dynamic: false}), 1000)
})

test('jitter stays within [1, 1 + factor) × interval; factor 0 is exact', () => {
  assert.equal(
    withJitter(1000, 0, () => 0.99),
    1000,
  )
  assert.equal(
    withJitter(1000, 1, () => 0),
    1000,
  )
  assert.equal(
    withJitter(1000, 1, () => 0.5),
    1500,
  )
  assert.equal(
    withJitter(1000, 0.1, () => 0.999),
    1099.9,
  )
})

test('Housekeeping runs the first tick at once, then backs off while idle and snaps back', () => {
  mock.timers.enable({apis: ['setTimeout']})
  try {
    const ticks: number[] = []
    let now = 0
    let outcome: TickOutcome = 'equal'
    // Due ticks run at once here: the queue's place in the event loop is tested on its own.
    const hk = new Housekeeping({...DEFAULT_HOUSEKEEPING, jitterFactor: 0}, Math.random, new TickQueue(SLICE_MS, (run) => run()), () => now)
    hk.add('/a', {
      tick() {
        ticks.push(now)
        // The first sample has nothing to equal (the tracker says 'changed' then too).
        return ticks.length === 1 ? 'changed' : outcome
      },
    })
    const advance = (ms: number): void => {
      for (let i = 0; i < ms; i += 500) {
        now += 500
        mock.timers.tick(500)
      }
    }
    mock.timers.tick(0)
    assert.deepEqual(ticks, [0])
    advance(7000)
    assert.deepEqual(ticks, [0, 1000, 3000, 7000])
    outcome = 'changed'
    advance(8000)
    assert.deepEqual(ticks, [0, 1000, 3000, 7000, 15000])
    assert.equal(hk.interval('/a'), 1000)
    advance(1000)
    assert.deepEqual(ticks.at(-1), 16000)
    hk.remove('/a')
    advance(5000)
    assert.equal(ticks.at(-1), 16000, 'no tick after remove')
    hk.stop()
  } finally {
    mock.timers.reset()
  }
})

test('firstIntervalMs: the second read comes that soon after the first, exactly; the splay goes to the third', () => {
  mock.timers.enable({apis: ['setTimeout']})
  try {
    const ticks: number[] = []
    let now = 0
    const hk = new Housekeeping(
      {intervalMs: 1000, maxIntervalMs: 1000, dynamic: false, jitterFactor: 0, initialSplayFactor: 1, firstIntervalMs: 500},
      () => 0.5,
      new TickQueue(SLICE_MS, (run) => run()),
      () => now,
    )
    hk.add('/a', {
      tick() {
        ticks.push(now)
        return 'changed'
      },
    })
    mock.timers.tick(0)
    for (let i = 0; i < 40; i++) {
      now += 100
      mock.timers.tick(100)
    }
    // 0, then 500 (first interval, no splay), then 500 + 1000 × 1.5 (the splay), then every 1000.
    assert.deepEqual(ticks, [0, 500, 2000, 3000, 4000])
    hk.stop()
  } finally {
    mock.timers.reset()
  }
})

test('firstRatesOnly and firstCountersFirst: the first reading counters first (its rest behind every read due), the second for rates alone', () => {
  mock.timers.enable({apis: ['setTimeout']})
  try {
    const run = (o: {firstRatesOnly?: boolean; firstCountersFirst?: boolean}): string[] => {
      const reads: string[] = []
      let now = 0
      // The queue's slices run when the test says (setImmediate in life): reads due together queue up.
      const slices: Array<() => void> = []
      const runSlices = (): void => {
        while (slices.length > 0) slices.shift()!()
      }
      const hk = new Housekeeping(
        {intervalMs: 1000, maxIntervalMs: 1000, dynamic: false, jitterFactor: 0, firstIntervalMs: 500, ...o},
        () => 0,
        new TickQueue(SLICE_MS, (r) => slices.push(r)),
        () => now,
      )
      for (const name of ['/a', '/b'])
        hk.add(name, {
          tick(_interval, part) {
            reads.push(`${name} ${part ?? 'whole'} ${now}`)
            return 'changed'
          },
        })
      mock.timers.tick(0)
      runSlices()
      for (let i = 0; i < 20; i++) {
        now += 100
        mock.timers.tick(100)
        runSlices()
      }
      hk.stop()
      return reads
    }
    assert.deepEqual(run({firstRatesOnly: true, firstCountersFirst: true}), [
      '/a counters 0',
      '/b counters 0',
      '/a rest 0',
      '/b rest 0',
      '/a rates 500',
      '/b rates 500',
      '/a whole 1500',
      '/b whole 1500',
    ])
    assert.deepEqual(run({firstRatesOnly: true}), [
      '/a whole 0',
      '/b whole 0',
      '/a rates 500',
      '/b rates 500',
      '/a whole 1500',
      '/b whole 1500',
    ])
    assert.deepEqual(run({}), ['/a whole 0', '/b whole 0', '/a whole 500', '/b whole 500', '/a whole 1500', '/b whole 1500'])
  } finally {
    mock.timers.reset()
  }
})

test("a container's first two reads are never shed (its first rates), later ones only when far behind", () => {
  mock.timers.enable({apis: ['setTimeout']})
  try {
    const waits: number[] = []
    class Recording extends TickQueue {
      override submit(tick: DueTick): void {
        waits.push(tick.maxWaitMs)
        tick.run()
      }
    }
    let now = 0
    const hk = new Housekeeping({...DEFAULT_HOUSEKEEPING, dynamic: false, jitterFactor: 0}, Math.random, new Recording(), () => now)
    hk.add('/a', {tick: () => 'changed'})
    mock.timers.tick(0)
    for (let i = 0; i < 3; i++) {
      now += 1000
      mock.timers.tick(1000)
    }
    assert.deepEqual(waits, [Infinity, Infinity, 2000, 2000])
    hk.stop()
  } finally {
    mock.timers.reset()
  }
})

test('the tick queue runs due ticks in short slices with the sockets looked at between them, and sheds late ones', async () => {
  const q = new TickQueue(5)
  const ran: number[] = []
  const shed: number[] = []
  const busy = (ms: number): void => {
    const end = performance.now() + ms
    while (performance.now() < end) {
      // a tick's reading, simulated by a busy wait
    }
  }
  // 40 ticks of 1 ms fall due together: 8 slices or so, with I/O and timers in between.
  let timersBetween = 0
  const timer = setInterval(() => timersBetween++, 0)
  for (let i = 0; i < 40; i++) q.submit({run: () => (busy(1), ran.push(i)), shed: () => shed.push(i), maxWaitMs: 10_000})
  // One more that may wait at most 2 ms: it is shed, not read late.
  q.submit({run: () => ran.push(99), shed: () => shed.push(99), maxWaitMs: 2})
  while (q.length > 0) await new Promise((r) => setImmediate(r))
  clearInterval(timer)
  assert.equal(ran.length, 40)
  assert.deepEqual(shed, [99])
  const s = q.stats()
  assert.ok(s.yields >= 4, `${s.yields} yields`)
  assert.ok(timersBetween >= 2, `the loop turned between slices (${timersBetween})`)
  assert.deepEqual([s.ran, s.shed], [40, 1])
  q.stop()
})

test('the due heap gives items in time order through pushes, moves and removals', () => {
  let seed = 7
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const heap = new DueHeap<{dueAt: number; pos: number; id: number}>()
  const live = new Set<{dueAt: number; pos: number; id: number}>()
  for (let step = 0; step < 3000; step++) {
    const r = rand()
    const any = [...live][Math.floor(rand() * live.size)]
    if (r < 0.5 || any === undefined) {
      const x = {dueAt: Math.floor(rand() * 1000), pos: -1, id: step}
      heap.push(x)
      live.add(x)
    } else if (r < 0.7) {
      any.dueAt = Math.floor(rand() * 1000)
      heap.update(any)
    } else if (r < 0.85) {
      heap.remove(any)
      live.delete(any)
      assert.ok(!heap.has(any))
    } else {
      const min = Math.min(...[...live].map((x) => x.dueAt))
      const top = heap.pop()!
      assert.equal(top.dueAt, min)
      live.delete(top)
    }
    assert.equal(heap.size, live.size)
  }
  const out: number[] = []
  for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x.dueAt)
  assert.deepEqual(
    out,
    [...live].map((x) => x.dueAt).sort((a, b) => a - b),
  )
})

test('one timer for many containers: each read at its own jittered times, soon() once, remove() even while queued', () => {
  mock.timers.enable({apis: ['setTimeout']})
  try {
    let now = 0
    let seed = 1
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    // Due ticks wait here until the test runs them (the queue's own turn in the event loop).
    const pending: Array<() => void> = []
    const hk = new Housekeeping(
      {...DEFAULT_HOUSEKEEPING, dynamic: false, jitterFactor: 0.5},
      random,
      new TickQueue(SLICE_MS, (run) => pending.push(run)),
      () => now,
    )
    const ticks = new Map<string, number[]>()
    const names = Array.from({length: 20}, (_, i) => `/c${i}`)
    for (const name of names) {
      ticks.set(name, [])
      hk.add(name, {
        tick() {
          ticks.get(name)!.push(now)
          return 'changed'
        },
      })
    }
    const advance = (ms: number): void => {
      for (let i = 0; i < ms; i += 10) {
        now += 10
        mock.timers.tick(10)
        while (pending.length > 0) pending.shift()!()
      }
    }
    mock.timers.tick(0)
    while (pending.length > 0) pending.shift()!()
    advance(6000)
    for (const name of names) {
      const t = ticks.get(name)!
      assert.equal(t[0], 0, `${name} first read at once`)
      for (let i = 1; i < t.length; i++) {
        const gap = t[i]! - t[i - 1]!
        assert.ok(gap >= 1000 && gap <= 1510, `${name} gap ${gap}`)
      }
      assert.ok(t.length >= 4 && t.length <= 7, `${name} ${t.length} reads in 6 s`)
    }
    // soon(): read at the next turn, once, then the interval again from that read.
    const c3 = ticks.get('/c3')!
    const before = c3.length
    hk.soon('/c3')
    hk.soon('/c3')
    advance(10)
    assert.equal(c3.length, before + 1)
    assert.equal(c3.at(-1), now)
    const soonAt = now
    advance(900)
    assert.equal(c3.length, before + 1, 'no second read before an interval has passed')
    advance(700)
    assert.equal(c3.length, before + 2)
    assert.ok(c3.at(-1)! - soonAt >= 1000)
    // remove() while a read waits in the queue: it never runs, and nothing follows.
    const x: number[] = []
    hk.add('/x', {
      tick() {
        x.push(now)
        return 'changed'
      },
    })
    mock.timers.tick(0)
    assert.ok(pending.length > 0, 'the first read of /x is queued')
    hk.remove('/x')
    advance(3000)
    assert.deepEqual(x, [], 'no read after remove')
    assert.ok(!hk.has('/x'))
    hk.stop()
    const total = [...ticks.values()].reduce((a, t) => a + t.length, 0)
    advance(3000)
    assert.equal(
      [...ticks.values()].reduce((a, t) => a + t.length, 0),
      total,
      'nothing after stop',
    )
  } finally {
    mock.timers.reset()
  }
})

test('jittered reads fall on a grid (a hundredth of the interval, at most DUE_GRID_MAX_MS): many containers share a timer turn, none is read sooner than its interval', () => {
  assert.equal(onDueGrid(1001, 1000), 1010)
  assert.equal(onDueGrid(1010, 1000), 1010)
  assert.equal(onDueGrid(60_001, 60_000), 60_000 + DUE_GRID_MAX_MS)
  mock.timers.enable({apis: ['setTimeout']})
  try {
    let now = 0
    let seed = 7
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const hk = new Housekeeping(
      {...DEFAULT_HOUSEKEEPING, dynamic: false, intervalMs: 60_000, jitterFactor: 1},
      random,
      new TickQueue(SLICE_MS, (run) => run()),
      () => now,
    )
    let turns = 0
    let readsThisTurn = 0
    const ticks = new Map<string, number[]>()
    for (let i = 0; i < 500; i++) {
      const name = `/c${i}`
      ticks.set(name, [])
      hk.add(name, {
        tick() {
          ticks.get(name)!.push(now)
          if (readsThisTurn++ === 0) turns++
          return 'equal'
        },
      })
    }
    mock.timers.tick(0)
    // Five minutes in 50 ms steps: every timer turn is seen as it comes.
    for (let t = 0; t < 300_000; t += 50) {
      now += 50
      readsThisTurn = 0
      mock.timers.tick(50)
    }
    let reads = 0
    const firstTurns = turns
    for (const [name, t] of ticks) {
      for (let i = 1; i < t.length; i++) {
        reads++
        assert.ok(t[i]! - t[i - 1]! >= 60_000, `${name}: ${t[i]! - t[i - 1]!} ms after the last read`)
        assert.equal(t[i]! % DUE_GRID_MAX_MS, 0, `${name} read at ${t[i]} ms: on the grid`)
      }
    }
    assert.ok(reads > 1000, `${reads} reads after the first`)
    assert.ok(firstTurns <= 1 + 300_000 / DUE_GRID_MAX_MS, `${firstTurns} timer turns for ${reads} reads`)
    hk.stop()
  } finally {
    mock.timers.reset()
  }
})
