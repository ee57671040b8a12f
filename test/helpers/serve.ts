/*
 * `cadv serve` started the way users start it (the built bin), on 127.0.0.1 port 0; the port
 * is read from its "listening on" line. Stopped by pid.
 */
import type {ChildProcess, SpawnOptions} from 'node:child_process'

import {startCli, type AS_PROGRAM} from './cli.js'
import {until} from './wait.js'

export class ServeProcess {
  readonly child: ChildProcess
  stderr = ''
  url = ''
  port = 0

  /**
   * `nodeArgs` go to node before the script (a benchmark's --cpu-prof, which NODE_OPTIONS refuses),
   * or AS_PROGRAM runs the script as a program (its `#!` line: what a user's shell does);
   * `launcher`: a command that ends by exec'ing its arguments (node and cadv), as startCli takes it;
   * `script`: another build's bin/run.js (a benchmark's before, run beside this one).
   */
  constructor(
    args: string[],
    options: SpawnOptions = {},
    nodeArgs: readonly string[] | typeof AS_PROGRAM = [],
    launcher: readonly string[] = [],
    script?: string,
  ) {
    this.child = startCli(['serve', '--listen', '127.0.0.1:0', ...args], options, nodeArgs, launcher, script)
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()))
  }

  /** Resolves once it listens; rejects if it exits first. A busy shared host can take most of a minute to start node and scan. */
  async ready(timeoutMs = 60_000): Promise<this> {
    let m: RegExpExecArray
    try {
      m = await until(
        'cadv serve to listen',
        () => {
          const listening = /listening on (https?):\/\/127\.0\.0\.1:(\d+)/.exec(this.stderr)
          if (listening) return listening
          if (this.child.exitCode !== null) throw new Error(`cadv serve exited ${this.child.exitCode}: ${this.stderr}`)
          return undefined
        },
        {timeoutMs, detail: () => this.stderr},
      )
    } catch (err) {
      // The caller never gets this object to stop, so a slow start must not leave a server behind.
      this.child.kill('SIGKILL')
      throw err
    }
    this.port = Number(m[2])
    this.url = `${m[1]}://127.0.0.1:${this.port}`
    return this
  }

  /** SIGTERM and wait; resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const c = this.child
    if (c.exitCode !== null || c.signalCode !== null) return c.exitCode
    const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)))
    c.kill(signal)
    const timer = setTimeout(() => c.kill('SIGKILL'), 15_000)
    const code = await exited
    clearTimeout(timer)
    return code
  }
}
