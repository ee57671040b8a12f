/*
 * Large buffers kept for the next body or set of columns instead of being freed and allocated
 * again for every build (19 MiB each at 10,000 containers). Freeing them is what makes serve's
 * RSS grow from build to build: glibc raises its mmap threshold to the largest mmapped block
 * freed, after which such buffers come from malloc's arenas, where freed memory stays resident
 * (docs/ARCHITECTURE.md, "Facts the code relies on"). A buffer that is reused is neither freed nor faulted in
 * again, and V8 sees no new external memory to collect for.
 *
 * A new buffer has headroom over the size asked for (a quarter), so a slightly larger build
 * reuses it. Spares too small for what is asked now are dropped (a host that grew), and so is
 * one much larger than that (a host that shrank keeps no 19 MiB buffers for 1,000 containers).
 *
 * `shared` spares are SharedArrayBuffers: a body the metrics thread serves while the main thread
 * reads the same bytes as the columns of the next body (exposition.ts).
 */

/** A new buffer is this much larger than asked for. */
const HEADROOM = 1.25
/** A spare is used for a size only when that size is at least this part of it. */
const TOO_LARGE = 4

export class SpareBuffers {
  private spares: Buffer[] = []
  /** Buffers allocated (for tests and benchmarks). */
  allocated = 0

  /** `keep`: most spares held at once (the smallest go first); `shared`: new ones are SharedArrayBuffers. */
  constructor(
    private readonly keep = 2,
    private readonly shared = false,
  ) {}

  /**
   * A buffer of at least `size` bytes, whole (byteOffset 0 in an ArrayBuffer of its own): the
   * smallest spare that fits, else a new one. Unzeroed: its caller writes the bytes it uses.
   */
  take(size: number): Buffer {
    let best = -1
    for (let i = 0; i < this.spares.length; i++) {
      const s = this.spares[i]!
      if (s.length >= size && (best < 0 || s.length < this.spares[best]!.length)) best = i
    }
    if (best >= 0 && this.spares[best]!.length <= size * TOO_LARGE + 65_536) return this.spares.splice(best, 1)[0]!
    this.spares = this.spares.filter((s) => s.length >= size && s.length <= size * TOO_LARGE + 65_536)
    this.allocated++
    const length = Math.ceil(size * HEADROOM) + 64
    return this.shared ? Buffer.from(new SharedArrayBuffer(length)) : Buffer.allocUnsafeSlow(length)
  }

  /** A buffer taken earlier, no longer used by anyone: the next take() may return it. */
  give(b: Buffer): void {
    if (b.length === 0) return
    this.spares.push(b)
    if (this.spares.length <= this.keep) return
    let smallest = 0
    for (let i = 1; i < this.spares.length; i++) if (this.spares[i]!.length < this.spares[smallest]!.length) smallest = i
    this.spares.splice(smallest, 1)
  }

  /** Bytes held by the spares. */
  get bytes(): number {
    let n = 0
    for (const s of this.spares) n += s.length
    return n
  }
}
