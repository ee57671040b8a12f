import {Command, Errors, Flags} from '@oclif/core'

import {AppContext} from '../app/index.js'
import {discoverCgroups, type CgroupLayout} from '../cgroups/index.js'
import {escapeControl} from '../util/index.js'

/** Errors that carry the exit code the user should see (2: bad input or environment). */
interface WithExitCode {
  exitCode?: number
  oclif?: {exit?: number}
}

/** The global flags' values. */
export interface GlobalFlagValues {
  'cgroup-root'?: string
  'proc-root': string
  verbose: boolean
}

/**
 * Flags and error handling every command shares. Errors become one line on stderr and a
 * non-zero exit; a stack trace is printed only with CADV_DEBUG=1, for whoever fixes the bug.
 */
export abstract class CadvCommand extends Command {
  static override baseFlags = {
    'cgroup-root': Flags.string({
      description:
        'Directory laid out like /sys/fs/cgroup to read instead of the mounted cgroupfs (a fixture tree, or the host cgroupfs mounted elsewhere).',
      env: 'CADV_CGROUP_ROOT',
      helpGroup: 'GLOBAL',
    }),
    'proc-root': Flags.string({
      description: 'Where /proc is (for mountinfo, /proc/<pid>/net/dev and machine info).',
      env: 'CADV_PROC_ROOT',
      default: '/proc',
      helpGroup: 'GLOBAL',
    }),
    verbose: Flags.boolean({
      char: 'v',
      description: 'Explain decisions on stderr (hierarchies watched, fallbacks, ignored cgroups).',
      helpGroup: 'GLOBAL',
    }),
  }

  /** The app context of this run: verbosity, warnings, signals, stdout. */
  protected context(flags: GlobalFlagValues): AppContext {
    return new AppContext({command: this.id ?? 'cadv', verbose: flags.verbose})
  }

  protected discover(flags: GlobalFlagValues): CgroupLayout {
    return discoverCgroups({cgroupRoot: flags['cgroup-root'], procRoot: flags['proc-root']})
  }

  protected override async catch(err: Error & WithExitCode): Promise<void> {
    // oclif signals --help, --version and this.exit() with an ExitError; let those through.
    if (err instanceof Errors.ExitError) throw err
    const code = err.exitCode ?? err.oclif?.exit ?? 1
    const first = firstLine(err.message || String(err))
    process.stderr.write(`cadv ${this.id ?? ''}: ${escapeControl(first.replace(/^\s*(Error:\s*)?/, ''))}\n`.replace(' :', ':'))
    if (process.env.CADV_DEBUG === '1' && err.stack) process.stderr.write(`${err.stack}\n`)
    process.exitCode = code
    this.exit(code)
  }
}

/**
 * The one line to show for an error. oclif wraps a flag's parse error as
 * "Parsing --flag \n\t<reason>\nSee more help with --help"; that becomes "--flag: <reason>".
 */
export function firstLine(message: string): string {
  // oclif colours parts of its messages; stderr may be a file.
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '')
  const wrapped = /^Parsing (--[\w-]+)\s*\n\s*(.+)/.exec(plain)
  if (wrapped) return `${wrapped[1]}: ${wrapped[2]!.trim()}`
  const lines = plain
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('See more help'))
  // oclif's flag-constraint errors: "The following error occurred:\n  <reason>".
  if (lines.length > 1 && /^The following errors? occurred:$/.test(lines[0]!)) return lines.slice(1).join('; ')
  return lines[0] ?? 'unknown error'
}
