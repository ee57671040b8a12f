import {Args, Flags} from '@oclif/core'

import {CadvCommand} from '../lib/cli/base-command.js'
import {resolverOptionsFromFlags, runtimeFlags} from '../lib/cli/runtime-flags.js'
import type {CgroupLayout} from '../lib/cgroups/index.js'
import {FACTORY_ORDER, createResolver} from '../lib/factories/index.js'
import {formatDecision} from '../lib/output/decision.js'
import {exitQuietlyOnEpipe} from '../lib/output/stdout.js'
import {classify, decisionPasses, fileLines, lines, resolveInOrder, type InputItem} from '../lib/resolve/index.js'

export default class Resolve extends CadvCommand {
  static override summary = 'Say which runtime owns each cgroup, and why.'

  static override description = `Asks the factories in their fixed order (docker, podman, containerd, crio, systemd, raw) about each name, as cAdvisor does, and prints the winner, whether the container is accepted or ignored, its runtime id, and one line per factory asked with its reason. Names come as arguments, as full paths under a cgroup hierarchy, or one per line from stdin (-) or a file (--from).

Exit status: 0 when every name was accepted (by an --expect factory, when given); 1 when some were ignored or resolved to another factory than expected; 2 on bad input (a path outside every hierarchy, an unreadable file, a malformed name), after the good names have been printed.`

  static override examples = [
    {description: 'Which runtime owns a cgroup, and why', command: '<%= config.bin %> <%= command.id %> /docker/4b1ed3b8c2f1...'},
    {description: 'A full path under a hierarchy works too', command: '<%= config.bin %> <%= command.id %> /sys/fs/cgroup/memory/kubepods/burstable/pod1234/9ddd18b9...'},
    {description: 'Resolve every container cadv sees, as NDJSON', command: '<%= config.bin %> watch --once | jq -r .name | <%= config.bin %> <%= command.id %> - --json'},
    {description: 'In CI without the runtime: decide from names alone, and fail unless docker owns it', command: '<%= config.bin %> <%= command.id %> --offline --expect docker /docker/4b1ed3b8c2f1...'},
  ]

  static override strict = false

  static override args = {
    // ignoreStdin: oclif would otherwise swallow stdin as the argument when none is given (--from -).
    cgroup: Args.string({description: 'Container names (/docker/<id>), paths under /sys/fs/cgroup/<hierarchy>/, or - for stdin.', ignoreStdin: true}),
  }

  static override flags = {
    ...runtimeFlags,
    json: Flags.boolean({description: 'Print each decision as one JSON object per line.'}),
    offline: Flags.boolean({description: 'Decide from names alone: contact no runtime, and say which call was skipped.'}),
    expect: Flags.string({
      description: 'Exit 1 unless every name is accepted by this factory (repeatable: any of them).',
      multiple: true,
      multipleNonGreedy: true,
      default: [],
      options: [...FACTORY_ORDER],
    }),
    from: Flags.string({description: 'Read names from this file, one per line (- for stdin).'}),
  }

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Resolve)
    this.verbose = flags.verbose
    exitQuietlyOnEpipe()
    const args = argv as string[]
    if (args.length === 0 && !flags.from) this.error('give at least one cgroup name, a path, or - to read names from stdin', {exit: 2})

    let layout: CgroupLayout | undefined
    const getLayout = (): CgroupLayout => (layout ??= this.discover(flags))
    const resolver = createResolver(resolverOptionsFromFlags(flags, {offline: flags.offline}))

    async function* inputs(): AsyncGenerator<InputItem> {
      const sources = [...args]
      if (flags.from) sources.push(`\0from`)
      for (const a of sources) {
        if (a === '-' || (a === '\0from' && flags.from === '-')) {
          for await (const l of lines(process.stdin)) yield classify(l, getLayout)
        } else if (a === '\0from') {
          for await (const l of fileLines(flags.from!)) yield classify(l, getLayout)
        } else yield classify(a, getLayout)
      }
    }

    let bad = 0
    let failed = 0
    try {
      await resolveInOrder(resolver, inputs(), ({item, decision}) => {
        if (!decision) {
          bad++
          process.stderr.write(`cadv resolve: ${item.text}: ${'error' in item ? item.error : 'bad input'}\n`)
          return
        }
        if (!decisionPasses(decision, flags.expect)) failed++
        process.stdout.write(flags.json ? JSON.stringify(decision) + '\n' : formatDecision(decision))
      })
    } finally {
      resolver.close()
    }
    if (bad > 0) this.exit(2)
    if (failed > 0) {
      this.note(`${failed} name(s) not accepted${flags.expect.length > 0 ? ` by ${flags.expect.join(' or ')}` : ''}`)
      this.exit(1)
    }
  }
}
