/*
 * `cadv serve` (and `cadvisor`) without oclif's Config. Loading the Config (package.json, the
 * manifest, the plugins) sorts the commands with localeCompare, which makes V8 load ICU's
 * collation data; that and the Config stay resident for as long as the server runs, about 2 MiB
 * of RSS with nothing to show for it (README, process benchmark). Unlike the other fast paths
 * this one keeps the command's own flag definitions and oclif's own parser
 * (`@oclif/core/parser`), so every flag means exactly what it means through oclif; they are read
 * once from a bundle of their own, then dropped with oclif's modules (cli/serve-line.ts).
 * Anything that is not a plain run goes back to oclif before a line is written: --help, a
 * config file, cAdvisor's -version, a command line the translation or the parser refuses (oclif
 * then gives the same one-line error it always has). Errors once the server starts are reported
 * the way the oclif command reports them (CadvCommand.catch, cli/main.ts).
 */
import {createRequire} from 'node:module'

import {AppContext, runServe} from '../app/index.js'
import {discoverCgroups} from '../cgroups/index.js'
import {configPath} from './config-path.js'
import {CONTEXT, reportError} from './errors.js'
import type {ServeLine} from './serve-line.js'

/** oclif's help flags (`--help`, and `-h` from package.json's additionalHelpFlags): oclif shows the help. */
const HELP = new Set(['--help', '-h'])

/**
 * Runs `cadv serve` with `argv` (the arguments after `serve`; `cadvisor` passes
 * CADVISOR_MODE_ARG first) and resolves to the exit status, or to undefined, having done
 * nothing, when oclif should handle the command line instead. `bin` and `commandInPrefix` name
 * errors as cli/main.ts does (`cadvisor: …` for the one-command entry point).
 */
export async function fastServe(argv: string[], bin = 'cadv', commandInPrefix = true): Promise<number | undefined> {
  if (argv.some((a) => HELP.has(a)) || configPath() !== undefined) return undefined
  const line = await readServeLineOnce(argv)
  if (line === undefined) return undefined
  const {flags, spellings} = line
  try {
    await runServe(
      flags,
      discoverCgroups({cgroupRoot: flags['cgroup-root'], procRoot: flags['proc-root']}),
      new AppContext({command: 'serve', verbose: flags.verbose}),
    )
    return 0
  } catch (err) {
    if (typeof err === 'object' && err !== null && !(CONTEXT in err)) Object.assign(err, {[CONTEXT]: {command: 'serve', flags: spellings}})
    return reportError(err, bin, process.stderr, commandInPrefix)
  }
}

/**
 * cli/serve-line.ts's readServeLine, from its CommonJS bundle (dist/lib/cli/fast/serve-line.cjs),
 * which is then dropped from require's cache with every module it loaded (oclif's and the
 * packages they load): nothing else holds them, so the collector frees them.
 */
async function readServeLineOnce(argv: string[]): Promise<ServeLine | undefined> {
  const require = createRequire(import.meta.url)
  const before = new Set(Object.keys(require.cache))
  try {
    const {readServeLine} = require('./fast/serve-line.cjs') as typeof import('./serve-line.js')
    return await readServeLine(argv)
  } finally {
    for (const file of Object.keys(require.cache)) if (!before.has(file)) delete require.cache[file]
  }
}
