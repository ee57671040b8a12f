/**
 * NDJSON out: one JSON document per line, written straight to the stream so each line leaves
 * the process when it happens (pipes and files are written synchronously by Node on Linux).
 * Same output as the `ndjson` package's stringify, without a Transform stream in the path:
 * a stream would hold lines until the next turn of the event loop.
 */
export interface NdjsonWriter<T> {
  write(value: T): void
}

export function ndjsonWriter<T>(stream: NodeJS.WritableStream = process.stdout): NdjsonWriter<T> {
  return {
    write(value: T): void {
      stream.write(`${JSON.stringify(value)}\n`)
    },
  }
}
