import {Args, Flags} from '@oclif/core'

import {resolveCommand} from '../lib/app/index.js'
import type {CgroupLayout} from '../lib/cgroups/index.js'
import {CadvCommand, runtimeFlags} from '../lib/cli/index.js'
import {FACTORY_ORDER} from '../lib/factories/index.js'

export default class Resolve extends CadvCommand {
  static override summary = 'Say which runtime owns each cgroup, and why.'

  static override description = `Asks the factories in their fixed order (docker, podman, containerd, crio, systemd, raw) about each name, as cAdvisor does, and prints the winner, whether the container is accepted or ignored, its runtime id, and one line per factory asked with its reason. Names come as arguments, as full paths under a cgroup hierarchy, or one per line from stdin (-) or a file (--from).

Exit status: 0 when every name was accepted (by an --expect factory, when given); 1 when some were ignored or resolved to another factory than expected; 2 on bad input (a path outside every hierarchy, an unreadable file, a malformed name), after the good names have been printed.`

  static override examples = [
    {description: 'Which runtime owns a cgroup, and why', command: '<%= config.bin %> <%= command.id %> /docker/4b1ed3b8c2f1...'},
    {
      description: 'A full path under a hierarchy works too',
      command: '<%= config.bin %> <%= command.id %> /sys/fs/cgroup/memory/kubepods/burstable/pod1234/9ddd18b9...',
    },
    {
      description: 'Resolve every container cadv sees, as NDJSON',
      command: '<%= config.bin %> watch --once | jq -r .name | <%= config.bin %> <%= command.id %> - --json',
    },
    {
      description: 'In CI without the runtime: decide from names alone, and fail unless docker owns it',
      command: '<%= config.bin %> <%= command.id %> --offline --expect docker /docker/4b1ed3b8c2f1...',
    },
  ]

  static override strict = false

  static override args = {
    // ignoreStdin: oclif would otherwise swallow stdin as the argument when none is given (--from -).
    cgroup: Args.string({
      description: 'Container names (/docker/<id>), paths under /sys/fs/cgroup/<hierarchy>/, or - for stdin.',
      ignoreStdin: true,
    }),
  }

  static override flags = {
    ...runtimeFlags,
    json: Flags.boolean({
      summary: 'Print each decision as one JSON object per line.',
      description:
        'Print each decision as one JSON object per line: `{"name", "factory", "accepted", "id", "alias", "image", "checks": [{"factory", "canHandle", "accept", "reason"}]}`, with `"note"` when the name exists in no hierarchy here.',
    }),
    offline: Flags.boolean({
      summary: 'Decide from names alone: contact no runtime.',
      description:
        "Decide from names alone, for CI machines without the runtime: no runtime is contacted, each runtime factory judges by the runtime's naming convention (`/docker/<id>`, `libpod-<id>`, `cri-containerd-<id>.scope`, `/kubepods/.../<id>`) and says which call it skipped.",
    }),
    expect: Flags.string({
      summary: 'Exit 1 unless every name is accepted by this factory (repeatable: any of them).',
      description: 'Exit 1 unless every name is accepted by this factory (repeatable: any of them).',
      multiple: true,
      multipleNonGreedy: true,
      default: [],
      options: [...FACTORY_ORDER],
    }),
    from: Flags.string({
      summary: 'Read names from this file, one per line (- for stdin).',
      description: 'Read names from this file, one per line (`-` for stdin).',
      helpValue: '<file>',
    }),
  }

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Resolve)
    let layout: CgroupLayout | undefined
    const code = await resolveCommand(
      argv as string[],
      flags,
      () => (layout ??= this.discover(flags)),
      this.context(flags),
      flags['cgroup-root'] !== undefined,
    )
    if (code !== 0) this.exit(code)
  }
}
