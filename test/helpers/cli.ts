import {spawn, type ChildProcess, type SpawnOptions} from 'node:child_process'
import {fileURLToPath} from 'node:url'

/** The built CLI, as users run it (`npm test` builds first). */
export const CADV = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * The environment a test's cadv runs in: the given one (or the test's), with no config file
 * unless the test names one (a developer's ~/.config/cadv/config.yaml must not change results).
 */
export function cliEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return {...(env ?? process.env), CADV_CONFIG: env?.CADV_CONFIG ?? ''}
}

/** Runs `cadv ...args` to completion. */
export function runCli(args: string[], options: SpawnOptions & {input?: string; timeoutMs?: number} = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CADV, ...args], {stdio: ['pipe', 'pipe', 'pipe'], ...options, env: cliEnv(options.env)})
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin!.end(options.input ?? '')
  })
}

// Every long-running cadv a test starts; whatever a failed test forgot to stop dies with the
// test file instead of running on through the rest of the suite.
const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** Starts `cadv ...args` and leaves it running; the caller ends it by pid. */
export function startCli(args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(process.execPath, [CADV, ...args], {stdio: ['ignore', 'pipe', 'pipe'], ...options, env: cliEnv(options.env)})
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}
