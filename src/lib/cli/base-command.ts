import {Command, Flags} from '@oclif/core'

import {AppContext} from '../app/index.js'
import {discoverCgroups, type CgroupLayout} from '../cgroups/index.js'
import {applyConfig, configPath, readConfig, type ConfigFlag} from './config-file.js'
import {CONTEXT, isExit, type ErrorContext} from './errors.js'

export {firstLine} from './errors.js'

/** The global flags' values. */
export interface GlobalFlagValues {
  'cgroup-root'?: string
  'proc-root': string
  verbose: boolean
}

interface FlagSpelling {
  char?: string
  aliases?: string[]
  allowNo?: boolean
  type?: string
  hidden?: boolean
}

/** Every way a command's flags can be written, for "did you mean" (hidden flags excluded). */
export function flagSpellings(flags: Record<string, FlagSpelling> | undefined): string[] {
  const out: string[] = ['--help']
  for (const [name, f] of Object.entries(flags ?? {})) {
    if (f.hidden) continue
    out.push(`--${name}`, ...(f.aliases ?? []).map((a) => `--${a}`))
    if (f.char) out.push(`-${f.char}`)
    if (f.type === 'boolean' && f.allowNo) out.push(`--no-${name}`)
  }
  return out
}

/**
 * Flags and error handling every command shares. An error leaves the command annotated with
 * the command's name and flag spellings, and bin/run.js turns it into one line on stderr and
 * an exit status (cli/errors.ts), the same way as errors oclif raises before any command runs.
 */
export abstract class CadvCommand extends Command {
  static override baseFlags = {
    'cgroup-root': Flags.string({
      description:
        'Directory laid out like /sys/fs/cgroup to read instead of the mounted cgroupfs (a fixture tree, or the host cgroupfs mounted elsewhere).',
      env: 'CADV_CGROUP_ROOT',
      helpGroup: 'GLOBAL',
      helpValue: '<dir>',
    }),
    'proc-root': Flags.string({
      description: 'Where /proc is (for mountinfo, /proc/<pid>/net/dev and machine info).',
      env: 'CADV_PROC_ROOT',
      default: '/proc',
      helpGroup: 'GLOBAL',
      helpValue: '<dir>',
    }),
    verbose: Flags.boolean({
      char: 'v',
      description: 'Explain decisions on stderr (hierarchies watched, fallbacks, ignored cgroups).',
      helpGroup: 'GLOBAL',
    }),
  }

  /** Puts the config file's values (cli/config-file.ts) before the user's flags. */
  override async init(): Promise<void> {
    await super.init()
    const path = configPath()
    if (path === undefined) return
    const ctor = this.constructor as typeof CadvCommand
    const commands = this.config.commands.map((c) => c.id)
    const allFlags = [...new Set(this.config.commands.flatMap((c) => Object.keys(c.flags ?? {})))]
    this.argv = applyConfig(this.argv, {
      path,
      values: readConfig(path),
      command: this.id ?? '',
      commands,
      flags: {...ctor.baseFlags, ...ctor.flags} as Record<string, ConfigFlag>,
      allFlags,
    })
    if (this.argv.includes('--verbose') || this.argv.includes('-v')) process.stderr.write(`cadv: flags from ${path}\n`)
  }

  /** The app context of this run: verbosity, warnings, signals, stdout. */
  protected context(flags: GlobalFlagValues): AppContext {
    return new AppContext({command: this.id ?? 'cadv', verbose: flags.verbose})
  }

  protected discover(flags: GlobalFlagValues): CgroupLayout {
    return discoverCgroups({cgroupRoot: flags['cgroup-root'], procRoot: flags['proc-root']})
  }

  protected override async catch(err: Error & {[CONTEXT]?: ErrorContext}): Promise<void> {
    // --help, --version and this.exit() end with an ExitError: not an error at all.
    if (!isExit(err) && typeof err === 'object' && err !== null && err[CONTEXT] === undefined) {
      const ctor = this.constructor as typeof CadvCommand
      err[CONTEXT] = {command: this.id, flags: flagSpellings({...ctor.baseFlags, ...ctor.flags} as Record<string, FlagSpelling>)}
    }
    throw err
  }
}
