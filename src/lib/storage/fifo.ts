/*
 * A first-in first-out queue with cheap removal at the head. Array.shift() moves every element,
 * which costs too much with 100,000 samples waiting and the oldest dropped one by one; here the
 * head is an index and the array is compacted once half of it is spent.
 */
export class Fifo<T> {
  private items: T[] = []
  private head = 0

  get length(): number {
    return this.items.length - this.head
  }

  push(item: T): void {
    this.items.push(item)
  }

  peek(): T | undefined {
    return this.items[this.head]
  }

  /** The i-th item from the head. */
  at(i: number): T | undefined {
    return this.items[this.head + i]
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head++] = undefined as T
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  /** Puts items back at the head, in their order (a batch that could not be sent). */
  unshiftAll(items: readonly T[]): void {
    if (items.length === 0) return
    this.items = [...items, ...this.items.slice(this.head)]
    this.head = 0
  }
}
