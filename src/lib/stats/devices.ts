import {readBoundedText} from '../util/index.js'

/**
 * Block device names by major:minor, for per-device I/O. /proc/partitions (under --proc-root,
 * so fixtures can supply it) lists every block device the kernel knows; /sys/dev/block is
 * consulted for a device missing there. An unknown device keeps its `major:minor` as its name.
 * The table is re-read at most once a minute when an unknown device shows up.
 */
export class DeviceNames {
  private names = new Map<string, string>()
  private loadedAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly procRoot: string,
    private readonly sysRoot = procRoot === '/proc' ? '/sys' : undefined,
  ) {}

  name(major: number, minor: number, now = Date.now()): string {
    const key = `${major}:${minor}`
    let n = this.names.get(key)
    if (n !== undefined) return n
    if (now - this.loadedAt > 60_000) {
      this.load()
      this.loadedAt = now
      n = this.names.get(key)
      if (n !== undefined) return n
    }
    n = this.fromSys(key) ?? key
    this.names.set(key, n)
    return n
  }

  private load(): void {
    let text: string
    try {
      text = readBoundedText(`${this.procRoot}/partitions`)
    } catch {
      return
    }
    for (const line of text.split('\n')) {
      const f = line.trim().split(/\s+/)
      if (f.length !== 4 || !/^\d+$/.test(f[0]!) || !/^\d+$/.test(f[1]!)) continue
      this.names.set(`${f[0]}:${f[1]}`, f[3]!)
    }
  }

  private fromSys(key: string): string | undefined {
    if (this.sysRoot === undefined) return undefined
    try {
      const m = /^DEVNAME=(.+)$/m.exec(readBoundedText(`${this.sysRoot}/dev/block/${key}/uevent`))
      return m?.[1]
    } catch {
      return undefined
    }
  }
}

/**
 * The table of a proc root, one for the process: block devices are the host's, not a
 * container's. One per container, as readers kept it in their state, was a table and a Map
 * each (about 250 bytes a container, 2.4 MiB at 10,000) that each loaded /proc/partitions anew.
 */
const shared = new Map<string, DeviceNames>()

export function deviceNamesFor(procRoot: string): DeviceNames {
  let names = shared.get(procRoot)
  if (names === undefined) shared.set(procRoot, (names = new DeviceNames(procRoot)))
  return names
}
