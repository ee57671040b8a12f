/*
 * The one place that decides how a command talks to the process: verbose notes, warnings,
 * signals (SIGINT/SIGTERM stop; for `cadv serve` also SIGQUIT stops, SIGHUP reloads the web
 * config, SIGUSR2 is ignored; SIGUSR1 never opens Node's inspector) and a closed stdout. Every app module takes a context; nothing below the app layer
 * touches process.on, stdout or stderr. Every line it writes is one line: control characters
 * in a message (a cgroup or runtime name quoted in it) are shown escaped (util escapeControl).
 */
import {escapeControl} from '../util/index.js'

/** The signals that stop a command; `cadv serve` adds SIGQUIT (as nginx: a graceful stop). */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']

const ignoreSignal = (): void => undefined

/** Read-error lines shown per minute without -v; the rest are counted and summed up in one line. */
const READ_ERRORS_PER_MINUTE = 10

/**
 * Node opens its inspector (an unauthenticated debugger on 127.0.0.1:9229: run any code as
 * this process, root for `cadv serve`) when the process gets SIGUSR1 and nothing listens for
 * it. A listener that does nothing keeps it shut, for the life of the process (removing it
 * would bring the default back). bin/run.js calls this first thing, for every command.
 */
export function shieldInspector(): void {
  if (!process.listeners('SIGUSR1').includes(ignoreSignal)) process.on('SIGUSR1', ignoreSignal)
}

/** The common options every command takes. */
export interface AppContextOptions {
  /** `watch`, `stats`, `serve`, `resolve`: the prefix of warnings. */
  command: string
  verbose: boolean
  stdout?: NodeJS.WriteStream
  stderr?: NodeJS.WritableStream
  stdin?: NodeJS.ReadStream
}

export class AppContext {
  readonly command: string
  readonly verbose: boolean
  readonly stdout: NodeJS.WriteStream
  readonly stdin: NodeJS.ReadStream
  private readonly stderr: NodeJS.WritableStream

  constructor(o: AppContextOptions) {
    this.command = o.command
    this.verbose = o.verbose
    this.stdout = o.stdout ?? process.stdout
    this.stderr = o.stderr ?? process.stderr
    this.stdin = o.stdin ?? process.stdin
  }

  /** A diagnostic line on stderr when --verbose is on; stdout stays data only. */
  note(message: string): void {
    if (this.verbose) this.stderr.write(`cadv: ${escapeControl(message)}\n`)
  }

  /** A line the user must see whatever the verbosity (fallbacks, refused input). */
  warn(message: string): void {
    this.stderr.write(`cadv ${this.command}: warning: ${escapeControl(message)}\n`)
  }

  /**
   * Where a container's read errors go (the manager's onReadError: once per container and
   * file). They are shown without -v, since a reading that is missing or wrong must be
   * visible, but at most READ_ERRORS_PER_MINUTE lines a minute, the rest summed up in one
   * line; -v shows every one. `sink` defaults to warn (stats draws them under its table).
   */
  readErrors(sink: (line: string) => void = (m) => this.warn(m)): (name: string, error: string) => void {
    let windowStart = Number.NEGATIVE_INFINITY
    let shown = 0
    let held = 0
    let flush: NodeJS.Timeout | undefined
    const summary = (): void => {
      if (held > 0) sink(`${held} more read error${held === 1 ? ' was' : 's were'} not shown in the last minute`)
      held = 0
    }
    return (name, error) => {
      const line = `${name}: ${error}`
      if (this.verbose) return sink(line)
      const now = Date.now()
      if (now - windowStart >= 60_000) {
        clearTimeout(flush)
        summary()
        windowStart = now
        shown = 0
      }
      if (shown < READ_ERRORS_PER_MINUTE) {
        shown++
        sink(line)
        return
      }
      if (held++ === 0) {
        sink(
          `more than ${READ_ERRORS_PER_MINUTE} read errors this minute: the rest are counted, not shown (-v shows every one; stats --json rows carry them)`,
        )
        flush = setTimeout(summary, Math.max(0, windowStart + 60_000 - now))
        flush.unref()
      }
    }
  }

  /** A line about what the command is doing (serve's listening addresses). */
  say(message: string): void {
    this.stderr.write(`cadv ${this.command}: ${escapeControl(message)}\n`)
  }

  /**
   * Reads single keys from a terminal (raw mode: no echo, no line editing, Ctrl-C arrives as
   * \u0003 instead of SIGINT). Returns the function that gives the terminal back; it also runs
   * when the process exits some other way, so a shell is never left in raw mode.
   */
  readKeys(onData: (data: string) => void): () => void {
    const stdin = this.stdin
    if (!stdin.isTTY) return () => undefined
    const handler = (d: Buffer | string): void => onData(d.toString())
    let restored = false
    const restore = (): void => {
      if (restored) return
      restored = true
      stdin.off('data', handler)
      process.off('exit', restore)
      stdin.setRawMode(false)
      stdin.pause()
    }
    stdin.setRawMode(true)
    stdin.on('data', handler)
    stdin.resume()
    process.on('exit', restore)
    return restore
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
   * For a long-running daemon (`cadv serve`): closes a Node inspector that NODE_OPTIONS or the
   * node command line opened (say so), keeps SIGUSR1 from opening one, makes SIGHUP call
   * `reload` (as exporters reload their web config) and ignores SIGUSR2 (a -v note): by default
   * either would end the process. SIGQUIT is a stop signal for untilSignal({daemon: true}).
   * Returns a function that removes the SIGHUP and SIGUSR2 handlers.
   */
  async daemonSignals(reload: () => void): Promise<() => void> {
    shieldInspector()
    const inspector = await import('node:inspector')
    if (inspector.url() !== undefined) {
      inspector.close()
      this.warn(
        'closed the Node inspector that NODE_OPTIONS or --inspect opened: a debugger attached to this process could run any code as its user',
      )
    }
    const onHup = (): void => {
      this.note('SIGHUP: reloading the web config')
      reload()
    }
    const onUsr2 = (): void => this.note('SIGUSR2: ignored')
    process.on('SIGHUP', onHup)
    process.on('SIGUSR2', onUsr2)
    return () => {
      process.off('SIGHUP', onHup)
      process.off('SIGUSR2', onUsr2)
    }
  }

  /**
   * Resolves at the first SIGINT or SIGTERM (and SIGQUIT with `daemon`), so the command can
   * finish what it is doing and exit 0; a second signal while it finishes exits 130 at once.
   * `abort` ends the wait early (a one-shot command that is done); the handlers are removed
   * either way.
   */
  untilSignal(abort?: Promise<unknown>, options: {daemon?: boolean} = {}): Promise<NodeJS.Signals | undefined> {
    const signals: readonly NodeJS.Signals[] = options.daemon ? [...STOP_SIGNALS, 'SIGQUIT'] : STOP_SIGNALS
    return new Promise((resolve) => {
      let received: NodeJS.Signals | undefined
      const onSignal = (signal: NodeJS.Signals): void => {
        if (received !== undefined) process.exit(130)
        received = signal
        resolve(signal)
      }
      const cleanup = (): void => {
        // Keep a handler for a second signal until the process exits: it means "now".
        if (received === undefined) for (const s of signals) process.off(s, onSignal)
      }
      for (const s of signals) process.on(s, onSignal)
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
