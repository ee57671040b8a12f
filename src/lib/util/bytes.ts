/*
 * The one byte-size syntax of cadv's flags: a whole number with an optional unit, binary
 * (KiB, MiB, GiB) or decimal (kB, MB, GB), as `64MiB` or `500MB`; a bare number is bytes.
 */
/** A size flag value the user must fix: one line, exit 2. */
export class ByteSizeError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'ByteSizeError'
  }
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
}

/** Parses `64MiB`, `500MB`, `1048576` into bytes; at least `minBytes`. */
export function parseByteSize(text: string, minBytes = 0): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined
  if (!m || unit === undefined) throw new ByteSizeError(`invalid size "${text}" (examples: 64MiB, 500MB, 1048576)`)
  const bytes = Math.round(Number(m[1]) * unit)
  if (bytes < minBytes) throw new ByteSizeError(`size "${text}" is below the smallest accepted, ${minBytes} bytes`)
  return bytes
}

/** Bytes as people read them (`67108864` → `64 MiB`). */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`
  }
  return `${bytes} B`
}
