/**
 * Makes a closed stdout (`cadv watch | head -1`) a quiet, successful exit: the reader has
 * what it wanted. Returns a function that removes the handler.
 */
export function exitQuietlyOnEpipe(onClose: () => void | Promise<void> = () => undefined): () => void {
  const handler = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
      Promise.resolve(onClose()).finally(() => process.exit(0))
      return
    }
    process.stderr.write(`cadv: cannot write to stdout: ${err.message}\n`)
    process.exit(1)
  }
  process.stdout.on('error', handler)
  return () => process.stdout.off('error', handler)
}
