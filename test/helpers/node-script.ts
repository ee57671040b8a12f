// Measuring scripts run in a node of their own: flags such as --expose-gc or
// --allow-natives-syntax stay out of the test runner, and nothing the runner holds is measured.
import {execFile} from 'node:child_process'

/**
 * Runs `script` as an ES module (tsx loaded, `flags` before it) in a node of its own; its stdout.
 * The time allowed is the runner's, nearly (--test-timeout=300000): a script of 5 s of CPU took
 * over 120 s beside a second suite and two spinners on two cores. A failure says how it ended and
 * what the script wrote to stderr, not the script.
 */
export function runNodeScript(flags: string[], script: string, timeoutMs = 280_000): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [...flags, '--import', 'tsx', '--input-type=module', '-e', script],
      {timeout: timeoutMs},
      (err, out, stderr) => {
        if (err === null) return resolve(out)
        const how = err.killed
          ? `killed at its ${timeoutMs / 1000} s timeout`
          : err.signal
            ? `ended by ${err.signal}`
            : `exit ${String(err.code)}`
        reject(new Error(`node ${flags.join(' ')} script: ${how}: ${stderr.trim().slice(-2000) || '(no stderr)'}`))
      },
    ),
  )
}

/**
 * Node flags for a script that measures the heap: gc() exposed, and nothing that changes the heap
 * with the machine's timing between two readings. TurboFan (and Maglev where on) compiles on a
 * helper thread and installs its code whenever the job ends: on a loaded machine, between the
 * readings or not (an inotify watch read 400 to 477 bytes); and its code drops a local past its
 * last use, so what a measure holds there may be freed with what it measures (a collector's lists
 * read 3,970 bytes where they are 690). Bytecode not run lately is flushed after a number of full
 * collections, one of them maybe between the readings. The interpreter and one thread for the
 * rest: the same figure at every load. What is measured (objects, arrays, strings) is laid out
 * the same by every tier.
 */
export const MEASURE_FLAGS = ['--expose-gc', '--single-threaded', '--no-opt', '--no-maglev', '--no-flush-bytecode']

/**
 * Source of `used()` for a script run with MEASURE_FLAGS: the sum of `parts` of
 * process.memoryUsage() after full collections, the least reading once two in a row agree within
 * 4 KiB. A collection can leave what the next one frees (marked while it was marking), and now and
 * then one reads some 60-250 KiB that the next reads without: no reading is below what is alive.
 */
export function settledUsedSource(parts: Array<'heapUsed' | 'external'>): string {
  return `const used = () => {
  let last = -1
  let least = Infinity
  for (let i = 0; i < 12; i++) {
    gc()
    const m = process.memoryUsage()
    const now = ${parts.map((p) => `m.${p}`).join(' + ')}
    least = Math.min(least, now)
    if (Math.abs(now - last) < 4096) return least
    last = now
  }
  return least
}`
}
