/** One cgroup mount as /proc/<pid>/mountinfo describes it. */
export interface CgroupMount {
  /** Mount point, octal escapes decoded (`/sys/fs/cgroup/cpu`). */
  mountPoint: string
  /** The path inside the hierarchy that is mounted there; `/` on a host, deeper inside a container. */
  mountRoot: string
  version: 1 | 2
  /** v1 controllers named in the super options (`cpu`, `cpuacct`); empty for v2 and named hierarchies. */
  controllers: string[]
  /** v1 named hierarchy (`name=systemd` gives `systemd`). */
  name?: string
  /** `major:minor` of the superblock; two mounts with the same device are one hierarchy. */
  device: string
}

export class MountinfoParseError extends Error {
  constructor(
    readonly lineNumber: number,
    reason: string,
  ) {
    super(`mountinfo line ${lineNumber}: ${reason}`)
    this.name = 'MountinfoParseError'
  }
}

// Super options on a v1 cgroup mount that are not controllers.
const NON_CONTROLLER_OPTIONS = new Set(['rw', 'ro', 'noprefix', 'clone_children', 'xattr', 'cpuset_v2_mode', 'all', 'none'])

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
export function decodeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)))
}

/**
 * Parses mountinfo text and returns its cgroup and cgroup2 mounts in file order.
 * Lines of other filesystems are skipped without being validated beyond the separator,
 * so an odd mount elsewhere on the host never stops cgroup discovery.
 */
export function parseCgroupMounts(text: string): CgroupMount[] {
  const mounts: CgroupMount[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    const fields = line.split(' ')
    const sep = fields.indexOf('-', 6)
    if (sep < 0 || fields.length < sep + 3) {
      throw new MountinfoParseError(i + 1, 'no " - " separator followed by fstype and source')
    }
    const fsType = fields[sep + 1]!
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue
    const device = fields[2]!
    const mountRoot = decodeMountField(fields[3]!)
    const mountPoint = decodeMountField(fields[4]!)
    if (!mountPoint.startsWith('/')) throw new MountinfoParseError(i + 1, `mount point is not absolute: ${mountPoint}`)
    const superOptions = (fields[sep + 3] ?? '').split(',').filter(Boolean)
    if (fsType === 'cgroup2') {
      mounts.push({mountPoint, mountRoot, version: 2, controllers: [], device})
      continue
    }
    let name: string | undefined
    const controllers: string[] = []
    for (const opt of superOptions) {
      if (opt.startsWith('name=')) name = opt.slice(5)
      else if (!NON_CONTROLLER_OPTIONS.has(opt) && !opt.includes('=')) controllers.push(opt)
    }
    const mount: CgroupMount = {mountPoint, mountRoot, version: 1, controllers: controllers.sort(), device}
    if (name !== undefined) mount.name = name
    mounts.push(mount)
  }
  return mounts
}
