/*
 * A real terminal for tests of what a user sees: a private tmux server (its own socket in a
 * temporary directory) running one command in a window of a given size. What is on the screen,
 * and what scrolled off it, is read back with capture-pane. stop() kills the server (and so the
 * command) and removes the directory.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** Why tmux tests cannot run here, or undefined when they can. */
export function tmuxSkipReason(): string | undefined {
  return spawnSync('tmux', ['-V']).status === 0 ? undefined : 'tmux is not installed (apt-get install tmux)'
}

/** Quotes words for the shell tmux runs the command with. */
export function shellWords(words: readonly string[]): string {
  return words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ')
}

export class Tmux {
  private readonly dir = mkdtempSync(join(tmpdir(), 'cadv-tmux-'))
  private readonly socket = join(this.dir, 'sock')

  /**
   * Starts `command` (a shell command line) in a detached window of `width` × `height`.
   * `env` is set in the window (tmux -e), on top of the server's environment.
   */
  constructor(
    readonly width: number,
    readonly height: number,
    command: string,
    env: Record<string, string> = {},
  ) {
    const e = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`])
    // The pane must outlive a command that exits at once (its scrollback is what is tested):
    // the session starts idle, remain-on-exit is set, then the command replaces the idle one.
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-x', String(width), '-y', String(height), 'sleep 3600')
    this.tmux('set-option', '-g', 'remain-on-exit', 'on')
    this.tmux('respawn-pane', '-k', ...e, command)
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], {encoding: 'utf8'})
  }

  /** The visible screen, one string per row (trailing spaces dropped by tmux). */
  screen(): string[] {
    return this.tmux('capture-pane', '-p').replace(/\n$/, '').split('\n')
  }

  /** The screen with its escape sequences (colours, attributes). */
  screenWithEscapes(): string {
    return this.tmux('capture-pane', '-p', '-e')
  }

  /** Everything the pane holds: the scrollback, then the screen. */
  scrollback(): string[] {
    return this.tmux('capture-pane', '-p', '-S', '-', '-E', '-').replace(/\n$/, '').split('\n')
  }

  /** Types keys (tmux key names: 'q', 'Enter', 'Escape', or literal text with literal=true). */
  keys(keys: string, literal = false): void {
    this.tmux('send-keys', ...(literal ? ['-l'] : []), keys)
  }

  /** True once the command in the pane has exited. */
  exited(): boolean {
    return this.tmux('display-message', '-p', '#{pane_dead}').trim() === '1'
  }

  stop(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'])
    rmSync(this.dir, {recursive: true, force: true})
  }
}
