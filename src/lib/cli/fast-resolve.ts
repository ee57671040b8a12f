/*
 * `cadv resolve` without oclif. Loading @oclif/core costs about 150 ms, three times a bare
 * `node -e 0`; CI loops call `cadv resolve` once per name. bin/run.js hands `resolve`
 * invocations here first. Anything this parser is not sure about — --help, an unknown or
 * repeated flag, a bad value — returns undefined, and bin/run.js runs oclif as usual, which
 * gives the full help and the proper one-line errors. Flags and their meaning are the
 * command's own (src/commands/resolve.ts); a unit test keeps the two
 * lists equal.
 */
// The start-up path imports the modules it needs rather than whole layers (app/index.ts would
// load the manager, prom-client and every other command): docs/ARCHITECTURE.md, "Fast path".
import {AppContext} from '../app/context.js'
import {resolveCommand, type ResolveFlags} from '../app/resolve.js'
import {discoverCgroups, type CgroupLayout} from '../cgroups/index.js'
import {FACTORY_ORDER} from '../factories/index.js'
import {CONTEXT, reportError} from './errors.js'
import {FAST_GLOBAL_FLAGS, parseFast, type FastSpec} from './fast-args.js'
import {FAST_RUNTIME_FLAGS, fastRuntimeValues} from './fast-runtime.js'

/** Every flag of `cadv resolve`, global and runtime ones included. */
export const FAST_RESOLVE_FLAGS: Record<string, FastSpec> = {
  ...FAST_GLOBAL_FLAGS,
  ...FAST_RUNTIME_FLAGS,
  json: {type: 'boolean'},
  offline: {type: 'boolean'},
  expect: {type: 'string', multiple: true},
  from: {type: 'string'},
}

/** The exit status, or undefined when oclif should handle this command line instead. */
export async function fastResolve(argv: string[]): Promise<number | undefined> {
  const a = parseFast(argv, FAST_RESOLVE_FLAGS)
  if (a === undefined) return undefined
  const v = a.values
  const expect = a.list('expect')
  if (expect.some((e) => !(FACTORY_ORDER as readonly string[]).includes(e))) return undefined
  const runtime = await fastRuntimeValues(a)
  if (runtime === undefined) return undefined
  const inputs = a.positionals
  const from = v.from as string | undefined
  if (inputs.length === 0 && from === undefined) return undefined

  const cgroupRoot = a.str('cgroup-root', '')
  const procRoot = a.str('proc-root', '/proc')
  let layout: CgroupLayout | undefined
  const flags: ResolveFlags = {
    ...runtime,
    json: v.json === true,
    offline: v.offline === true,
    expect,
    from,
  }
  const ctx = new AppContext({command: 'resolve', verbose: v.verbose === true})
  try {
    return await resolveCommand(
      inputs,
      flags,
      () => (layout ??= discoverCgroups({cgroupRoot: cgroupRoot || undefined, procRoot})),
      ctx,
      cgroupRoot !== '',
    )
  } catch (err) {
    if (typeof err === 'object' && err !== null) Object.assign(err, {[CONTEXT]: {command: 'resolve'}})
    return reportError(err, 'cadv')
  }
}
