/*
 * Processes a test starts, and their ends. Each runs in a process group of its own, so a
 * test that fails or times out kills the whole group (a shell and what it started, cadv and
 * its children), and the group dies with the test process too: on its exit here, and on a
 * kill of the test process by the kernel's parent-death signal (setpriv --pdeathsig), so a
 * timed-out test file never leaves a `cadv watch` behind with PID 1 as its parent.
 */
import {spawn, spawnSync, type ChildProcess, type SpawnOptions} from 'node:child_process'

const groups = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of groups) signalGroup(child, 'SIGKILL')
})

/** setpriv from util-linux, when it can set a parent-death signal here. */
const PDEATHSIG: string[] = (() => {
  const r = spawnSync('setpriv', ['--pdeathsig', 'KILL', 'true'], {stdio: 'ignore'})
  return r.status === 0 ? ['setpriv', '--pdeathsig', 'KILL'] : []
})()

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || !alive(child)) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is gone already
  }
}

/**
 * Spawns `command` in a process group of its own that dies with this process. The pid is the
 * command's own (setpriv execs it). End it with killGroup().
 */
export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const [cmd, ...rest] = [...PDEATHSIG, command, ...args]
  const child = spawn(cmd!, rest, {...options, detached: true})
  groups.add(child)
  child.once('exit', () => groups.delete(child))
  return child
}

/** Sends `signal` to the child's whole group and waits until the child has exited (SIGKILL after `graceMs`). */
export async function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL', graceMs = 5000): Promise<void> {
  if (!alive(child)) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  signalGroup(child, signal)
  if (signal !== 'SIGKILL') {
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  } else {
    await exited
  }
  // Whatever else was in the group (a shell's children) goes too.
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // nothing left
    }
  }
}
