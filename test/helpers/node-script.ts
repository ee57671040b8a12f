// Measuring scripts run in a node of their own: flags such as --expose-gc or
// --allow-natives-syntax stay out of the test runner, and nothing the runner holds is measured.
import {execFile} from 'node:child_process'

/** Runs `script` as an ES module (tsx loaded, `flags` before it) in a node of its own; its stdout. */
export function runNodeScript(flags: string[], script: string, timeoutMs = 120_000): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [...flags, '--import', 'tsx', '--input-type=module', '-e', script],
      {timeout: timeoutMs},
      (err, out, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(out)),
    ),
  )
}

/**
 * Source of `used()` for a script run with --expose-gc: the sum of `parts` of
 * process.memoryUsage() after full collections, once two in a row agree within 64 KiB (now and
 * then one collection leaves megabytes the next one frees).
 */
export function settledUsedSource(parts: Array<'heapUsed' | 'external'>): string {
  return `const used = () => {
  let last = -1
  for (let i = 0; i < 6; i++) {
    gc()
    const m = process.memoryUsage()
    const now = ${parts.map((p) => `m.${p}`).join(' + ')}
    if (Math.abs(now - last) < 65536) return now
    last = now
  }
  return last
}`
}
