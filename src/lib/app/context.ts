/*
 * The one place that decides how a command talks to the process: verbose notes, warnings,
 * signals and a closed stdout. Every app module takes a context; nothing below the app layer
 * touches process.on, stdout or stderr. Every line it writes is one line: control characters
 * in a message (a cgroup or runtime name quoted in it) are shown escaped (util escapeControl).
 */
import {escapeControl} from '../util/index.js'

/** The common options every command takes. */
export interface AppContextOptions {
  /** `watch`, `stats`, `serve`, `resolve`: the prefix of warnings. */
  command: string
  verbose: boolean
  stdout?: NodeJS.WriteStream
  stderr?: NodeJS.WritableStream
}

export class AppContext {
  readonly command: string
  readonly verbose: boolean
  readonly stdout: NodeJS.WriteStream
  private readonly stderr: NodeJS.WritableStream

  constructor(o: AppContextOptions) {
    this.command = o.command
    this.verbose = o.verbose
    this.stdout = o.stdout ?? process.stdout
    this.stderr = o.stderr ?? process.stderr
  }

  /** A diagnostic line on stderr when --verbose is on; stdout stays data only. */
  note(message: string): void {
    if (this.verbose) this.stderr.write(`cadv: ${escapeControl(message)}\n`)
  }

  /** A line the user must see whatever the verbosity (fallbacks, refused input). */
  warn(message: string): void {
    this.stderr.write(`cadv ${this.command}: warning: ${escapeControl(message)}\n`)
  }

  /** A line about what the command is doing (serve's listening addresses). */
  say(message: string): void {
    this.stderr.write(`cadv ${this.command}: ${escapeControl(message)}\n`)
  }

  /**
   * Makes a closed stdout (`cadv watch | head -1`) a quiet, successful exit: the reader has what
   * it wanted. `onClose` runs first (stop watchers). Returns a function that removes the handler.
   */
  exitQuietlyOnEpipe(onClose: () => void | Promise<void> = () => undefined): () => void {
    const handler = (err: NodeJS.ErrnoException): void => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
        Promise.resolve(onClose()).finally(() => process.exit(0))
        return
      }
      this.stderr.write(`cadv: cannot write to stdout: ${err.message}\n`)
      process.exit(1)
    }
    this.stdout.on('error', handler)
    return () => this.stdout.off('error', handler)
  }

  /**
   * Resolves at the first SIGINT or SIGTERM, so the command can finish what it is doing and
   * exit 0; a second signal while it finishes exits 130 at once. `abort` ends the wait early
   * (a one-shot command that is done); the handlers are removed either way.
   */
  untilSignal(abort?: Promise<unknown>): Promise<NodeJS.Signals | undefined> {
    return new Promise((resolve) => {
      let received: NodeJS.Signals | undefined
      const onSignal = (signal: NodeJS.Signals): void => {
        if (received !== undefined) process.exit(130)
        received = signal
        resolve(signal)
      }
      const cleanup = (): void => {
        // Keep a handler for a second signal until the process exits: it means "now".
        if (received === undefined) {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
        }
      }
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
      abort?.then(
        () => {
          cleanup()
          resolve(undefined)
        },
        () => {
          cleanup()
          resolve(undefined)
        },
      )
    })
  }
}
