/*
 * A page's heap by kind of thing, from a Chrome heap snapshot taken after a full garbage
 * collection: the page's own objects, arrays, strings, closures and DOM nodes apart from
 * V8's compiled code and the browser's internals, so that growth per update can be told from
 * a JIT that is still compiling.
 */
import type {Page} from 'playwright-core'

export type HeapByKind = Map<string, number>

interface Snapshot {
  snapshot: {meta: {node_fields: string[]; node_types: [string[]]}}
  nodes: number[]
  strings: string[]
}

/** Bytes by snapshot node type (`object`, `array`, `string`, `closure`, `code`, `native`, …). */
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
    const sizeAt = fields.indexOf('self_size')
    const out: HeapByKind = new Map()
    for (let i = 0; i < snap.nodes.length; i += fields.length) {
      const kind = types[snap.nodes[i + typeAt]!]!
      out.set(kind, (out.get(kind) ?? 0) + snap.nodes[i + sizeAt]!)
    }
    return out
  } finally {
    await cdp.detach()
  }
}
