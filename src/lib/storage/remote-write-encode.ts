/*
 * Prometheus remote write 1.0 payload, written by hand: a WriteRequest is a repeated field of
 * TimeSeries, so one sample's series, encoded alone, are a valid piece of any request, and a
 * batch is those pieces concatenated. Each series is
 *   TimeSeries{labels: repeated Label{name=1, value=2} = 1, samples: repeated Sample{value=1 (double), timestamp=2 (int64 ms)} = 2}
 * with labels sorted by name, as the protocol requires. A container's label entries are
 * encoded once and copied into each of its series, which a generic protobuf writer cannot do;
 * the unit test decodes the output with protobufjs against the published schema.
 *
 * The series are /metrics': the kind registry's family modules write into this sink with the
 * same container labels (metrics' containerLabelPairs) and their own (`cpu`, `device`, …).
 */
import {containerLabelPairs, lastSeenFamily, type LabelOptions} from '../metrics/index.js'
import type {ContainerInfo, ContainerState, Family, FamilyModule, Sample, SeriesSink} from '../model/index.js'
import {familiesFor, type MetricKind} from '../stats/index.js'

interface LabelEntry {
  name: string
  /** The whole `labels` field of a TimeSeries: tag, length, Label message. */
  bytes: Buffer
}

function varintLength(n: number): number {
  let len = 1
  while (n >= 128) {
    n = Math.floor(n / 128)
    len++
  }
  return len
}

/** A growable output buffer, reused between samples. */
class Out {
  buf = Buffer.allocUnsafe(64 * 1024)
  pos = 0

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  byte(b: number): void {
    this.buf[this.pos++] = b
  }

  varint(n: number): void {
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 0x80
      n = Math.floor(n / 128)
    }
    this.buf[this.pos++] = n
  }

  copy(b: Buffer): void {
    b.copy(this.buf, this.pos)
    this.pos += b.length
  }

  double(v: number): void {
    this.buf.writeDoubleLE(v, this.pos)
    this.pos += 8
  }
}

export function labelEntry(name: string, value: string): LabelEntry {
  const n = Buffer.from(name, 'utf8')
  const v = Buffer.from(value, 'utf8')
  const inner = 1 + varintLength(n.length) + n.length + 1 + varintLength(v.length) + v.length
  const out = new Out()
  out.reserve(inner + 6)
  out.byte(0x0a)
  out.varint(inner)
  out.byte(0x0a)
  out.varint(n.length)
  out.copy(n)
  out.byte(0x12)
  out.varint(v.length)
  out.copy(v)
  return {name, bytes: Buffer.from(out.buf.subarray(0, out.pos))}
}

/** `cpu="cpu00",device="sda"` (exposition label text, escaped) as pairs. */
export function parseLabelText(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y
  let m: RegExpExecArray | null
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    pairs.push([m[1]!, m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))])
  }
  return pairs
}

const byName = (a: LabelEntry, b: LabelEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

interface Pending {
  labels: LabelEntry[]
  value: number
}

/** Encodes samples as TimeSeries pieces of a WriteRequest. */
export class RemoteWriteEncoder implements SeriesSink {
  private readonly modules: readonly FamilyModule[]
  private readonly names = new Map<string, LabelEntry>()
  private readonly extras = new Map<string, LabelEntry[]>()
  private readonly bases = new WeakMap<ContainerState, {info: ContainerInfo | undefined; labels: LabelEntry[]}>()
  private readonly out = new Out()
  private base: LabelEntry[] = []
  private pending: Pending[] = []

  constructor(
    private readonly kinds: ReadonlySet<MetricKind>,
    private readonly labelOptions: LabelOptions,
    /** Added to every series that lacks them (job, instance), as Prometheus' external labels. */
    private readonly externalLabels: ReadonlyArray<readonly [string, string]>,
  ) {
    this.modules = familiesFor(kinds)
  }

  private baseLabels(state: ContainerState): LabelEntry[] {
    const cached = this.bases.get(state)
    if (cached && cached.info === state.info) return cached.labels
    const pairs = containerLabelPairs(state, this.labelOptions).filter(([, v]) => v !== '')
    const have = new Set(pairs.map(([k]) => k))
    for (const [k, v] of this.externalLabels) if (!have.has(k) && v !== '') pairs.push([k, v])
    const labels = pairs.map(([k, v]) => labelEntry(k, v)).sort(byName)
    this.bases.set(state, {info: state.info, labels})
    return labels
  }

  private nameEntry(f: Family): LabelEntry {
    let e = this.names.get(f.name)
    if (!e) this.names.set(f.name, (e = labelEntry('__name__', f.name)))
    return e
  }

  private extraEntries(extra: string): LabelEntry[] {
    let e = this.extras.get(extra)
    if (!e) {
      e = parseLabelText(extra)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => labelEntry(k, v))
        .sort(byName)
      // Extra label texts are few (CPUs, devices, interfaces); a bound keeps odd input from growing it.
      if (this.extras.size > 10_000) this.extras.clear()
      this.extras.set(extra, e)
    }
    return e
  }

  add(f: Family, value: number, extra = ''): void {
    const labels = [this.nameEntry(f)]
    if (extra === '') {
      labels.push(...this.base)
    } else {
      // Merge two sorted lists; a family's own label wins over a container label of the same name.
      const ex = this.extraEntries(extra)
      let i = 0
      let j = 0
      while (i < this.base.length || j < ex.length) {
        const a = this.base[i]
        const b = ex[j]
        if (b === undefined || (a !== undefined && a.name < b.name)) {
          labels.push(a!)
          i++
        } else {
          if (a !== undefined && a.name === b.name) i++
          labels.push(b)
          j++
        }
      }
    }
    if (labels.length > 1 && labels[1]!.name < '__name__') labels.sort(byName)
    this.pending.push({labels, value})
  }

  addUntimed(f: Family, value: number, extra = ''): void {
    this.add(f, value, extra)
  }

  /** The sample's series as WriteRequest `timeseries` fields, every one at the sample's time. */
  encode(state: ContainerState, sample: Sample): Buffer {
    this.base = this.baseLabels(state)
    this.pending = []
    const input = {state, sample, spec: state.spec, kinds: this.kinds}
    for (const m of this.modules) m.write(this, input)
    this.add(lastSeenFamily, Math.floor(sample.timestampMs / 1000))
    const ts = Math.round(sample.timestampMs)
    const sampleLen = 1 + 8 + 1 + varintLength(ts)
    const out = this.out
    out.pos = 0
    for (const p of this.pending) {
      let len = 1 + varintLength(sampleLen) + sampleLen
      for (const l of p.labels) len += l.bytes.length
      out.reserve(len + 12)
      out.byte(0x0a)
      out.varint(len)
      for (const l of p.labels) out.copy(l.bytes)
      out.byte(0x12)
      out.varint(sampleLen)
      out.byte(0x09)
      out.double(p.value)
      out.byte(0x10)
      out.varint(ts)
    }
    this.pending = []
    return Buffer.from(out.buf.subarray(0, out.pos))
  }
}
