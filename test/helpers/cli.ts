import type {ChildProcess, SpawnOptions} from 'node:child_process'
import type {Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'

import {killGroup, spawnGroup} from './processes.js'

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
    // A group of its own: a run that times out is killed with whatever it started.
    const child = spawnGroup(process.execPath, [CADV, ...args], {stdio: ['pipe', 'pipe', 'pipe'], ...options, env: cliEnv(options.env)})
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => void killGroup(child), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin!.end(options.input ?? '')
  })
}

/**
 * In place of node's arguments: the script run as a program, through its `#!` line, the way a
 * shell runs `cadv` from PATH (bin/run.js then starts node with what `cadv serve` needs).
 */
export const AS_PROGRAM = 'program'

/**
 * Starts `cadv ...args` (`script`: another checkout's bin/run.js, for a benchmark's before) and leaves it running; the caller ends it by pid. It runs in a process
 * group of its own that dies with the test process (helpers/processes.ts), so a test that
 * fails or times out never leaves it behind. `nodeArgs` go to node before the script, or
 * AS_PROGRAM runs the script itself.
 */
export function startCli(
  args: string[],
  options: SpawnOptions = {},
  nodeArgs: readonly string[] | typeof AS_PROGRAM = [],
  launcher: readonly string[] = [],
  script = CADV,
): ChildProcess {
  const argv = nodeArgs === AS_PROGRAM ? [script, ...args] : [process.execPath, ...nodeArgs, script, ...args]
  // A launcher (`unshare -m … sh -c '…; exec "$0" "$@"'`) execs node itself: the pid stays cadv's.
  const [command, ...rest] = [...launcher, ...argv]
  return spawnGroup(command!, rest, {stdio: ['ignore', 'pipe', 'pipe'], ...options, env: cliEnv(options.env)})
}

/** Calls `push` with each JSON line a CLI writes to `stream` (NDJSON); a partial line waits for the rest. */
export function onJsonLines<T>(stream: Readable, push: (value: T) => void): void {
  let pending = ''
  stream.on('data', (d: Buffer) => {
    const parts = (pending + d.toString()).split('\n')
    pending = parts.pop()!
    for (const l of parts) if (l.trim()) push(JSON.parse(l) as T)
  })
}
