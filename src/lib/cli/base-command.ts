import {Command} from '@oclif/core'

import {AppContext} from '../app/index.js'
import {discoverCgroups, type CgroupLayout} from '../cgroups/index.js'
import {applyConfig, configPath, readConfig, type ConfigFlag} from './config-file.js'
import {CONTEXT, isExit, type ErrorContext} from './errors.js'
import {flagSpellings, globalFlags, type FlagSpelling, type GlobalFlagValues} from './global-flags.js'

export {firstLine} from './errors.js'
export {flagSpellings, type GlobalFlagValues} from './global-flags.js'

/**
 * Flags and error handling every command shares. An error leaves the command annotated with
 * the command's name and flag spellings, and bin/run.js turns it into one line on stderr and
 * an exit status (cli/errors.ts), the same way as errors oclif raises before any command runs.
 */
export abstract class CadvCommand extends Command {
  static override baseFlags = globalFlags

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
