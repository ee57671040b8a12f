/*
 * The flags every command takes, and every way a command's flags can be written, apart from
 * oclif's Command (cli/base-command.ts): `cadv serve`'s fast path (cli/fast-serve.ts) parses
 * with them without loading oclif's command, config and help machinery, which would stay in a
 * long-running server's heap (about 2 MiB; README, process benchmark).
 */
import * as Flags from '@oclif/core/flags'

/** The global flags' values. */
export interface GlobalFlagValues {
  'cgroup-root'?: string
  'proc-root': string
  verbose: boolean
}

export interface FlagSpelling {
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

/** The global flags (CadvCommand.baseFlags). */
export const globalFlags = {
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
