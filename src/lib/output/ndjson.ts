/**
 * NDJSON out: one JSON document per line, written straight to the stream so each line leaves
 * the process when it happens (pipes and files are written synchronously by Node on Linux).
 * Same output as the `ndjson` package's stringify, without a Transform stream in the path:
 * a stream would hold lines until the next turn of the event loop.
 */
export interface NdjsonWriter<T> {
  write(value: T): void
  /**
   * Many lines that are ready at once (a listing), in writes of about 64 KiB rather than one
   * write(2) per line: 2,000 lines cost 2,000 system calls otherwise.
   */
  writeAll(values: Iterable<T>): void
}

/** Lines per write are gathered up to this many characters. */
const CHUNK = 64 * 1024

export function ndjsonWriter<T>(stream: NodeJS.WritableStream = process.stdout): NdjsonWriter<T> {
  return {
    write(value: T): void {
      stream.write(`${JSON.stringify(value)}\n`)
    },
    writeAll(values: Iterable<T>): void {
      let chunk = ''
      for (const value of values) {
        chunk += `${JSON.stringify(value)}\n`
        if (chunk.length >= CHUNK) {
          stream.write(chunk)
          chunk = ''
        }
      }
      if (chunk !== '') stream.write(chunk)
    },
  }
}
