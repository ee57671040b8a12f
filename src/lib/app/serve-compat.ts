/*
 * The wiring of the serve flags cAdvisor's command lines need (cli/compat-flags.ts): what the
 * manager tracks and how often it rescans, and the path prefix the server strips.
 */
import type {ManagerOptions} from '../manager/index.js'

export interface CompatFlagValues {
  'url-base-prefix'?: string
  'disable-root-cgroup-stats': boolean
  'rescan-interval': number
  'jitter-factor': number
  'initial-splay-factor': number
}

/** A prefix the user must fix: one line, exit 2. */
export class UrlPrefixError extends Error {
  readonly exitCode = 2
}

/** `/cadvisor/` → `/cadvisor`; '' and `/` → none. */
export function urlBasePrefix(flags: CompatFlagValues): string | undefined {
  const raw = flags['url-base-prefix']
  if (raw === undefined) return undefined
  const p = raw.replace(/\/+$/, '')
  if (p === '') return undefined
  if (!p.startsWith('/') || /[?#\s]/.test(p) || p.split('/').some((s) => s === '.' || s === '..'))
    throw new UrlPrefixError(`--url-base-prefix "${raw}": a path starting with /, without ?, #, spaces or . and .. parts`)
  return p
}

/** The manager options these flags set, merged into the housekeeping ones. */
export function compatManagerOptions(
  flags: CompatFlagValues,
  base: Pick<ManagerOptions, 'housekeeping'>,
): Pick<ManagerOptions, 'include' | 'watch' | 'housekeeping'> {
  const out: Pick<ManagerOptions, 'include' | 'watch' | 'housekeeping'> = {
    watch: {rescanIntervalMs: flags['rescan-interval']},
    housekeeping: {...base.housekeeping, jitterFactor: flags['jitter-factor'], initialSplayFactor: flags['initial-splay-factor']},
  }
  if (flags['disable-root-cgroup-stats']) out.include = (name) => name !== '/'
  return out
}
