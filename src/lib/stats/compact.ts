import type {Sample} from '../model/index.js'

/*
 * Retained history in a compact form. A sample as read is a tree of small objects whose
 * counters are mostly too big for V8's small integers, so each is a separate boxed number:
 * about 600 bytes a sample. Past the newest two, the store keeps each sample as its numbers in
 * one unboxed double array plus a shared "shape" (keys, array lengths, strings such as device
 * names), interned so that all samples of a container share one. A sample whose numbers equal
 * the previous one's also shares its array. Reading a field decodes the sample again: history
 * is read rarely (the JSON API), the newest samples (rates, metrics) stay plain objects.
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
 * Everything of a packed sample but its time: shared by a container's samples with the same
 * numbers. `epochMs` is the time its samples' own times count from (see CompactSample).
 */
interface Packed {
  readonly name: string
  readonly shape: Shape
  readonly values: readonly number[]
  readonly epochMs: number
}

/**
 * A sample's time is kept as milliseconds after its Packed's epoch, a small integer: V8 keeps
 * one of those inside the object, whereas a time of day in milliseconds (about 1.7e12) is too
 * big for that and each sample would carry a separate 16-byte number besides (120,000 of them
 * at 1,000 containers). Past this offset (12 days of unchanged numbers) or for a time that is
 * not a whole millisecond, the sample gets a Packed of its own whose epoch is its time.
 */
const MAX_OFFSET_MS = 2 ** 30

function offsetFrom(p: Packed, timestampMs: number): number | undefined {
  const dt = timestampMs - p.epochMs
  return Number.isInteger(dt) && dt < MAX_OFFSET_MS && dt > -MAX_OFFSET_MS ? dt : undefined
}

function make(timestampMs: number, p: Packed): CompactSample {
  const dt = offsetFrom(p, timestampMs)
  return dt === undefined ? CompactSample.at0(timestampMs, p) : CompactSample.make(dt, p)
}

/**
 * A retained sample in compact form; reads like a Sample (fields decode on access). Two fields
 * only: the store holds 120 of them a container (2 minutes at 1 s), so each field is about
 * 1 MB at 1,000 containers.
 */
export class CompactSample implements Sample {
  private constructor(
    /** ms after packed.epochMs (see MAX_OFFSET_MS). */
    private readonly dt: number,
    private readonly packed: Packed,
  ) {}

  /** @internal A sample `dt` ms after `p`'s epoch (offsetFrom said it fits). */
  static make(dt: number, p: Packed): CompactSample {
    return new CompactSample(dt, p)
  }

  /** @internal A sample at `timestampMs` with `p`'s numbers, on a Packed of its own whose epoch is that time. */
  static at0(timestampMs: number, p: Packed): CompactSample {
    return new CompactSample(0, {name: p.name, shape: p.shape, values: p.values, epochMs: timestampMs})
  }

  get name(): string {
    return this.packed.name
  }

  get timestampMs(): number {
    return this.packed.epochMs + this.dt
  }

  /** Packs `s`; shares the previous compact sample's numbers when they are the same. */
  static from(s: Sample, previous?: Sample): CompactSample {
    const {name, timestampMs, ...rest} = s
    const values: number[] = []
    const key = keyOf(rest, values)
    let shape = shapes.get(key)
    if (!shape) {
      if (shapes.size >= MAX_SHAPES) shapes.clear()
      shape = shapeOf(rest)
      shapes.set(key, shape)
    }
    const p = previous instanceof CompactSample ? previous.packed : undefined
    if (p !== undefined && p.name === name && p.shape === shape && sameValues(p.values, values)) return make(timestampMs, p)
    // An exact-length copy: push() leaves spare capacity behind.
    return CompactSample.make(0, {name, shape, values: values.slice(), epochMs: timestampMs})
  }

  /** The same numbers at another time (a sample whose parts are those this one was packed from). */
  at(timestampMs: number): CompactSample {
    return make(timestampMs, this.packed)
  }

  /** The plain sample, rebuilt. */
  toPlain(): Sample {
    const p = this.packed
    return {name: p.name, timestampMs: p.epochMs + this.dt, ...(build(p.shape, p.values, {i: 0}) as object)}
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
