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
 * same container labels (metrics' containerLabelPairs, or kubeletLabelPairs under
 * --kubelet-labels, a pod cgroup named after its pod) and their own (`cpu`, `device`, …).
 * Labels with empty values are left out: the protocol forbids them ("MUST NOT contain any
 * empty label names or values"; Thanos Receive refuses such a series). The kubelet's six
 * labels still hold their place when empty: an external label of the same name (job, instance,
 * --storage-driver-external-label) is not added to a series that has one, empty or not, as
 * honor_labels keeps a scraped empty label over a target label.
 */
import {
  containerLabelPairs,
  KUBELET_FIXED,
  kubeletLabelPairs,
  lastSeenFamily,
  podCgroupUid,
  type LabelOptions,
  type PodIndex,
} from '../metrics/index.js'
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

interface Base {
  info: ContainerInfo | undefined
  /** Under --kubelet-labels, the uid of a pod cgroup (null: not one), and its pod's names when encoded. */
  podUid: string | null
  podKey: string
  labels: LabelEntry[]
}

interface Pending {
  labels: LabelEntry[]
  value: number
}

/** Encodes samples as TimeSeries pieces of a WriteRequest. */
export class RemoteWriteEncoder implements SeriesSink {
  private readonly modules: readonly FamilyModule[]
  private readonly names = new Map<string, LabelEntry>()
  private readonly extras = new Map<string, LabelEntry[]>()
  private readonly bases = new WeakMap<ContainerState, Base>()
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

  /**
   * The container's label entries, sorted, cached until its metadata changes or (a pod cgroup
   * under --kubelet-labels) its pod's names do. `pods` is asked only for a pod cgroup.
   */
  private baseLabels(state: ContainerState, pods: (() => PodIndex) | undefined): LabelEntry[] {
    const cached = this.bases.get(state)
    const kubelet = this.labelOptions.kubelet === true
    const podUid = !kubelet ? null : cached && cached.info === state.info ? cached.podUid : podCgroupUid(state)
    const index = podUid !== null && pods ? pods() : undefined
    const ref = podUid !== null ? index?.get(podUid) : undefined
    const podKey = ref ? `${ref.namespace}/${ref.pod}` : ''
    if (cached && cached.info === state.info && cached.podKey === podKey) return cached.labels
    const pairs = kubelet ? kubeletLabelPairs(state, this.labelOptions, index) : containerLabelPairs(state, this.labelOptions)
    // Names that stop an external label: every non-empty one, and the kubelet's six even empty.
    const have = new Set(pairs.filter(([, v], i) => v !== '' || (kubelet && i < KUBELET_FIXED)).map(([k]) => k))
    const kept = pairs.filter(([, v]) => v !== '')
    for (const [k, v] of this.externalLabels) if (!have.has(k) && v !== '') kept.push([k, v])
    const labels = kept.map(([k, v]) => labelEntry(k, v)).sort(byName)
    this.bases.set(state, {info: state.info, podUid, podKey, labels})
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

  /**
   * The sample's series as WriteRequest `timeseries` fields, every one at the sample's time.
   * `pods`: the pods of every container known now, for a pod cgroup under --kubelet-labels.
   */
  encode(state: ContainerState, sample: Sample, pods?: () => PodIndex): Buffer {
    this.base = this.baseLabels(state, pods)
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
