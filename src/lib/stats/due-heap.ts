/*
 * The containers' next reads in time order, for housekeeping's one timer (housekeeping.ts): a
 * binary min-heap on each item's `dueAt` that knows where every item sits, so a container's
 * read can be moved earlier or taken out without a search. Nothing is allocated per operation.
 */

/** Something with a time it is due; `pos` is the heap's own bookkeeping (-1: not in it). */
export interface Due {
  dueAt: number
  pos: number
}

export class DueHeap<T extends Due> {
  private readonly items: T[] = []

  get size(): number {
    return this.items.length
  }

  /** The item due first, or undefined when empty. */
  peek(): T | undefined {
    return this.items[0]
  }

  has(x: T): boolean {
    return x.pos >= 0 && this.items[x.pos] === x
  }

  push(x: T): void {
    x.pos = this.items.length
    this.items.push(x)
    this.up(x.pos)
  }

  /** Takes out the item due first. */
  pop(): T | undefined {
    const top = this.items[0]
    if (top !== undefined) this.remove(top)
    return top
  }

  remove(x: T): void {
    if (!this.has(x)) return
    const i = x.pos
    const last = this.items.pop()!
    x.pos = -1
    if (last === x) return
    this.items[i] = last
    last.pos = i
    this.up(i)
    this.down(last.pos)
  }

  /** After x.dueAt changed. */
  update(x: T): void {
    if (!this.has(x)) return
    this.up(x.pos)
    this.down(x.pos)
  }

  clear(): void {
    for (const x of this.items) x.pos = -1
    this.items.length = 0
  }

  private up(i: number): void {
    const items = this.items
    const x = items[i]!
    while (i > 0) {
      const p = (i - 1) >> 1
      const parent = items[p]!
      if (parent.dueAt <= x.dueAt) break
      items[i] = parent
      parent.pos = i
      i = p
    }
    items[i] = x
    x.pos = i
  }

  private down(i: number): void {
    const items = this.items
    const n = items.length
    const x = items[i]!
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && items[r]!.dueAt < items[l]!.dueAt ? r : l
      const child = items[c]!
      if (child.dueAt >= x.dueAt) break
      items[i] = child
      child.pos = i
      i = c
    }
    items[i] = x
    x.pos = i
  }
}
