/*
 * The oclif entry point of every bin: runs the command line and turns whatever it ends with
 * into one line on stderr and an exit status (cli/errors.ts), whether the error came from a
 * command, from oclif's parser or from a plugin. oclif's own handler would print
 * " ›   Error: …" for some of them; nothing reaches it.
 */
import {flush, run} from '@oclif/core'

import {reportError} from './errors.js'

export interface MainOptions {
  /** A bin that is one command (`cadvisor` runs `serve`): its messages say `cadvisor:` alone. */
  singleCommand?: boolean
}

export async function main(bin: string, argv: string[], root: string, options: MainOptions = {}): Promise<void> {
  // `cadv --version` and `cadv version` say the same thing.
  const args = argv[0] === '--version' || argv[0] === '-V' ? ['version', ...argv.slice(1)] : argv
  try {
    await run(args, root)
    await flush()
  } catch (err) {
    process.exitCode = reportError(err, bin, process.stderr, !options.singleCommand)
  }
}
