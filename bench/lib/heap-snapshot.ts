/*
 * A page's heap by kind of thing, from a Chrome heap snapshot taken after a full garbage
 * collection: the page's own objects, arrays, strings, closures and DOM nodes apart from
 * V8's compiled code and the browser's internals, so that growth per update can be told from
 * a JIT that is still compiling. Native objects are also counted by name: the browser's own
 * (DevTools' record of the requests a driven page makes) can be told from the page's.
 */
import type {Page} from 'playwright-core'

export interface HeapByKind {
  /** Bytes by snapshot node type (`object`, `array`, `string`, `closure`, `code`, `native`, …). */
  kinds: Map<string, number>
  /** Bytes of `native` nodes by their name (`blink::…`, a DOM element's tag). */
  natives: Map<string, number>
}

interface Snapshot {
  snapshot: {meta: {node_fields: string[]; node_types: [string[]]}}
  nodes: number[]
  strings: string[]
}

function add(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n)
}

export async function heapByKind(page: Page): Promise<HeapByKind> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('HeapProfiler.collectGarbage')
    const chunks: string[] = []
    cdp.on('HeapProfiler.addHeapSnapshotChunk', (e: {chunk: string}) => chunks.push(e.chunk))
    await cdp.send('HeapProfiler.takeHeapSnapshot', {reportProgress: false})
    const snap = JSON.parse(chunks.join('')) as Snapshot
    const fields = snap.snapshot.meta.node_fields
    const types = snap.snapshot.meta.node_types[0]
    const typeAt = fields.indexOf('type')
    const nameAt = fields.indexOf('name')
    const sizeAt = fields.indexOf('self_size')
    const out: HeapByKind = {kinds: new Map(), natives: new Map()}
    for (let i = 0; i < snap.nodes.length; i += fields.length) {
      const kind = types[snap.nodes[i + typeAt]!]!
      const size = snap.nodes[i + sizeAt]!
      add(out.kinds, kind, size)
      // Elements are named by their markup (`<time datetime="…">`): by tag only.
      if (kind === 'native') add(out.natives, snap.strings[snap.nodes[i + nameAt]!]!.replace(/^<(\w+)[^]*/, '<$1>'), size)
    }
    return out
  } finally {
    await cdp.detach()
  }
}

/** The `n` names whose bytes grew most from `a` to `b`, with their growth. */
export function grownMost(a: Map<string, number>, b: Map<string, number>, n: number): [string, number][] {
  return [...new Set([...a.keys(), ...b.keys()])]
    .map((k): [string, number] => [k, (b.get(k) ?? 0) - (a.get(k) ?? 0)])
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
}
