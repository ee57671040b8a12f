import {Flags} from '@oclif/core'

import {selectHierarchies} from '../lib/cgroups/index.js'
import {CadvCommand} from '../lib/cli/base-command.js'
import {resolveKinds} from '../lib/kinds.js'
import {exitQuietlyOnEpipe} from '../lib/output/stdout.js'
import {makeEvent, scanHierarchies} from '../lib/watch/index.js'

export default class Watch extends CadvCommand {
  static override summary = 'Stream ContainerAdd/ContainerDelete events as NDJSON.'

  static override flags = {
    once: Flags.boolean({description: 'Print the existing containers and exit.'}),
    prefix: Flags.string({description: 'Only containers under this name (repeatable).', multiple: true, default: []}),
    hierarchy: Flags.string({description: 'Hierarchy to watch, by id or controller (repeatable).', multiple: true, default: []}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Watch)
    this.verbose = flags.verbose
    exitQuietlyOnEpipe()
    const layout = this.discover(flags)
    const hierarchies = selectHierarchies(layout, resolveKinds(), flags.hierarchy)
    const names = scanHierarchies(hierarchies, flags.prefix)
    for (const name of [...names.keys()].sort()) process.stdout.write(JSON.stringify(makeEvent('ContainerAdd', name, true)) + '\n')
  }
}
