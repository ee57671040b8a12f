/*
 * `cadv resolve` without oclif. Loading @oclif/core costs about 150 ms, three times a bare
 * `node -e 0`; CI loops call `cadv resolve` once per name. bin/run.js hands `resolve`
 * invocations here first. Anything this parser is not sure about — --help, an unknown or
 * repeated flag, a bad value — returns undefined, and bin/run.js runs oclif as usual, which
 * gives the full help and the proper one-line errors. Flags and their meaning are the
 * command's own (src/commands/resolve.ts); a unit test keeps the two
 * lists equal.
 */
import {parseArgs} from 'node:util'

// The start-up path imports the modules it needs rather than whole layers (app/index.ts would
// load the manager, prom-client and every other command): docs/ARCHITECTURE.md, "Fast path".
import {AppContext} from '../app/context.js'
import {checkEndpoint, MIN_TIMEOUT_MS} from '../app/options.js'
import {resolveCommand, type ResolveFlags} from '../app/resolve.js'
import {discoverCgroups, type CgroupLayout} from '../cgroups/index.js'
import {DEFAULT_RESOLVER_OPTIONS as D, FACTORY_ORDER} from '../factories/index.js'
import {parseDuration} from '../util/index.js'
import {configPath} from './config-path.js'
import {CONTEXT, reportError} from './errors.js'

type Spec = {type: 'string' | 'boolean'; multiple?: boolean; short?: string; env?: string}

/** Every flag of `cadv resolve`, global and runtime ones included. */
export const FAST_RESOLVE_FLAGS: Record<string, Spec> = {
  'cgroup-root': {type: 'string', env: 'CADV_CGROUP_ROOT'},
  'proc-root': {type: 'string', env: 'CADV_PROC_ROOT'},
  verbose: {type: 'boolean', short: 'v'},
  docker: {type: 'string', env: 'CADV_DOCKER'},
  'docker-timeout': {type: 'string'},
  podman: {type: 'string', env: 'CADV_PODMAN'},
  'podman-timeout': {type: 'string'},
  containerd: {type: 'string', env: 'CADV_CONTAINERD'},
  'containerd-namespace': {type: 'string', env: 'CADV_CONTAINERD_NAMESPACE'},
  'containerd-timeout': {type: 'string'},
  crio: {type: 'string', env: 'CADV_CRIO'},
  'crio-timeout': {type: 'string'},
  'docker-only': {type: 'boolean'},
  'raw-cgroup-prefix-whitelist': {type: 'string', multiple: true},
  json: {type: 'boolean'},
  offline: {type: 'boolean'},
  expect: {type: 'string', multiple: true},
  from: {type: 'string'},
}

/** The exit status, or undefined when oclif should handle this command line instead. */
export async function fastResolve(argv: string[]): Promise<number | undefined> {
  if (argv.some((a) => a === '--help' || a === '-h' || a === 'help' || a === '--version')) return undefined
  // A config file's flags are applied by the oclif command (cli/base-command.ts).
  if (configPath() !== undefined) return undefined
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(FAST_RESOLVE_FLAGS).map(([k, s]) => [
          k,
          s.short ? {type: s.type, multiple: s.multiple ?? false, short: s.short} : {type: s.type, multiple: s.multiple ?? false},
        ]),
      ),
      allowPositionals: true,
      strict: true,
      tokens: true,
    })
  } catch {
    return undefined
  }
  // oclif refuses a repeated single-valued flag; let it say so.
  const seen = new Set<string>()
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue
    if (!FAST_RESOLVE_FLAGS[t.name]!.multiple && seen.has(t.name)) return undefined
    seen.add(t.name)
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>
  const str = (k: string, dflt: string): string =>
    (v[k] as string | undefined) ?? (FAST_RESOLVE_FLAGS[k]!.env ? process.env[FAST_RESOLVE_FLAGS[k]!.env!] : undefined) ?? dflt
  const list = (k: string): string[] => (v[k] as string[] | undefined) ?? []
  const expect = list('expect')
  if (expect.some((e) => !(FACTORY_ORDER as readonly string[]).includes(e))) return undefined
  let timeouts: number[]
  try {
    timeouts = ['docker-timeout', 'podman-timeout', 'containerd-timeout', 'crio-timeout'].map((k) =>
      v[k] === undefined ? D.docker.timeoutMs : parseDuration(v[k] as string, {minMs: MIN_TIMEOUT_MS}),
    )
  } catch {
    return undefined
  }
  const endpoints = {
    docker: str('docker', D.docker.endpoint),
    podman: str('podman', D.podman.endpoint),
    containerd: str('containerd', D.containerd.endpoint),
    crio: str('crio', D.crio.endpoint),
  }
  try {
    for (const [flag, value] of Object.entries(endpoints)) checkEndpoint(flag as keyof typeof endpoints, value)
  } catch {
    // oclif says what is wrong with it, in its own words, exit 2.
    return undefined
  }
  const inputs = parsed.positionals
  const from = v.from as string | undefined
  if (inputs.length === 0 && from === undefined) return undefined

  const cgroupRoot = str('cgroup-root', '')
  const procRoot = str('proc-root', '/proc')
  let layout: CgroupLayout | undefined
  const flags: ResolveFlags = {
    docker: endpoints.docker,
    'docker-timeout': timeouts[0]!,
    podman: endpoints.podman,
    'podman-timeout': timeouts[1]!,
    containerd: endpoints.containerd,
    'containerd-namespace': str('containerd-namespace', D.containerd.namespace),
    'containerd-timeout': timeouts[2]!,
    crio: endpoints.crio,
    'crio-timeout': timeouts[3]!,
    'docker-only': v['docker-only'] === true,
    'raw-cgroup-prefix-whitelist': list('raw-cgroup-prefix-whitelist'),
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
