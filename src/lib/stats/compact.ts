import type {Sample} from '../model/index.js'

/*
 * Retained history in a compact form. A sample as read is a tree of small objects whose
 * counters are mostly too big for V8's small integers, so each is a separate boxed number:
 * about 600 bytes a sample. Past the newest two, the store keeps each sample as its numbers in
 * one unboxed double array plus a shared "shape" (keys, array lengths, strings such as device
 * names), interned so that all samples of a container share one. A sample whose numbers equal
 * the previous one's shares its Packed. Reading a field decodes the sample again: history is
 * read rarely (the JSON API), the newest samples (rates, metrics) stay plain objects.
 */

type Shape = {t: 'n'} | {t: 'c'; v: unknown} | {t: 'a'; items: Shape[]} | {t: 'o'; keys: string[]; items: Shape[]}

const NUM: Shape = {t: 'n'}
/** Interned shapes by their key; bounded so odd data cannot grow it without end. */
const shapes = new Map<string, Shape>()
const MAX_SHAPES = 4096

function keyOf(x: unknown, values: number[]): string {
  if (typeof x === 'number') {
    values.push(x)
    return '#'
  }
  if (Array.isArray(x)) return `[${x.map((v) => keyOf(v, values)).join(',')}]`
  if (x !== null && typeof x === 'object') {
    let k = '{'
    for (const [key, v] of Object.entries(x)) if (v !== undefined) k += `${JSON.stringify(key)}:${keyOf(v, values)},`
    return k + '}'
  }
  return JSON.stringify(x) ?? 'null'
}

function shapeOf(x: unknown): Shape {
  if (typeof x === 'number') return NUM
  if (Array.isArray(x)) return {t: 'a', items: x.map(shapeOf)}
  if (x !== null && typeof x === 'object') {
    const entries = Object.entries(x).filter(([, v]) => v !== undefined)
    return {t: 'o', keys: entries.map(([k]) => k), items: entries.map(([, v]) => shapeOf(v))}
  }
  return {t: 'c', v: x}
}

function build(s: Shape, values: readonly number[], pos: {i: number}): unknown {
  switch (s.t) {
    case 'n':
      return values[pos.i++]
    case 'c':
      return s.v
    case 'a':
      return s.items.map((item) => build(item, values, pos))
    case 'o': {
      const o: Record<string, unknown> = {}
      for (let i = 0; i < s.keys.length; i++) o[s.keys[i]!] = build(s.items[i]!, values, pos)
      return o
    }
  }
}

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false
  return true
}

/**
 * Everything of a packed sample but its time: its numbers in one unboxed array and its shape.
 * Consecutive samples of a container with the same numbers share one (an idle container's
 * two minutes are one of these); the store keeps each sample's time beside it (store.ts).
 */
export class Packed {
  constructor(
    readonly name: string,
    readonly shape: Shape,
    readonly values: readonly number[],
  ) {}

  /** Packs `s` (all but its time); `previous` itself when its numbers are the same. */
  static of(s: Sample, previous?: Packed): Packed {
    const {name, timestampMs: _time, ...rest} = s
    const values: number[] = []
    const key = keyOf(rest, values)
    let shape = shapes.get(key)
    if (!shape) {
      if (shapes.size >= MAX_SHAPES) shapes.clear()
      shape = shapeOf(rest)
      shapes.set(key, shape)
    }
    if (previous !== undefined && previous.name === name && previous.shape === shape && sameValues(previous.values, values)) return previous
    // An exact-length copy: push() leaves spare capacity behind.
    return new Packed(name, shape, values.slice())
  }
}

/**
 * A retained sample read back from its packed form: made when read (the JSON API, the
 * summaries), not kept; fields decode on access.
 */
export class CompactSample implements Sample {
  constructor(
    readonly timestampMs: number,
    private readonly packed: Packed,
  ) {}

  get name(): string {
    return this.packed.name
  }

  /** The plain sample, rebuilt. */
  toPlain(): Sample {
    const p = this.packed
    return {name: p.name, timestampMs: this.timestampMs, ...(build(p.shape, p.values, {i: 0}) as object)}
  }

  toJSON(): Sample {
    return this.toPlain()
  }

  get cpu(): Sample['cpu'] {
    return this.toPlain().cpu
  }

  get memory(): Sample['memory'] {
    return this.toPlain().memory
  }

  get diskio(): Sample['diskio'] {
    return this.toPlain().diskio
  }

  get filesystems(): Sample['filesystems'] {
    return this.toPlain().filesystems
  }

  get network(): Sample['network'] {
    return this.toPlain().network
  }

  get pressure(): Sample['pressure'] {
    return this.toPlain().pressure
  }

  get processes(): Sample['processes'] {
    return this.toPlain().processes
  }

  get sockets(): Sample['sockets'] {
    return this.toPlain().sockets
  }

  get oom(): Sample['oom'] {
    return this.toPlain().oom
  }

  get sched(): Sample['sched'] {
    return this.toPlain().sched
  }

  get load(): Sample['load'] {
    return this.toPlain().load
  }

  get hugetlb(): Sample['hugetlb'] {
    return this.toPlain().hugetlb
  }

  get numa(): Sample['numa'] {
    return this.toPlain().numa
  }

  get memoryMigrate(): Sample['memoryMigrate'] {
    return this.toPlain().memoryMigrate
  }

  get referencedBytes(): Sample['referencedBytes'] {
    return this.toPlain().referencedBytes
  }

  get resctrl(): Sample['resctrl'] {
    return this.toPlain().resctrl
  }

  get perf(): Sample['perf'] {
    return this.toPlain().perf
  }

  get errors(): Sample['errors'] {
    return this.toPlain().errors
  }
}
