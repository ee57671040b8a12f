/**
 * cAdvisor's boolean flags are Go flags, written `--store_container_labels=false`; oclif takes
 * `--flag` / `--no-flag` only. Rewrites `--flag=false|true` (and 0/1) for the given allowNo
 * boolean flags into oclif's spelling, so scripts written for either work.
 */
export function normalizeBooleanArgs(argv: readonly string[], booleanFlags: readonly string[]): string[] {
  const names = new Set(booleanFlags)
  const out: string[] = []
  for (const arg of argv) {
    if (arg === '--') {
      out.push(...argv.slice(argv.indexOf(arg)))
      break
    }
    const m = /^--([a-z0-9-]+)=(true|false|1|0)$/i.exec(arg)
    if (m && names.has(m[1]!)) out.push(/^(true|1)$/i.test(m[2]!) ? `--${m[1]}` : `--no-${m[1]}`)
    else out.push(arg)
  }
  return out
}
