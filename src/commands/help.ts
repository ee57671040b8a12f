import {Args, Command} from '@oclif/core'

import {CadvHelp, UnknownCommandError} from '../lib/cli/index.js'
import {didYouMean} from '../lib/util/index.js'

export default class HelpCommand extends Command {
  static override summary = 'Show the help of cadv, of a command, or of a group of shared flags.'

  static override description =
    'cadv help stats is cadv stats --help (or -h). cadv help runtime lists the runtime flags that every command shares, in full; cadv help storage the storage flags of cadv serve.'

  static override examples = [
    {description: "A command's flags and examples", command: '<%= config.bin %> help stats'},
    {description: 'The runtime flags in full', command: '<%= config.bin %> help runtime'},
  ]

  static override strict = false

  static override args = {
    subject: Args.string({description: 'A command (stats, serve…) or a group of flags (runtime, storage, global).'}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(HelpCommand)
    const words = argv as string[]
    const help = new CadvHelp(this.config, this.config.pjson.oclif.helpOptions)
    if (words.length === 0) return help.showHelp([])
    const id = words.join(':')
    // showCommandHelp, not showHelp: oclif's showHelp reads the word "help" as a request for
    // the root page, so `cadv help help` printed that instead of this command's page.
    const command = this.config.findCommand(id)
    if (command) return help.showCommandHelp(command)
    if (words.length === 1 && (await help.showGroup(words[0]!))) return
    const subjects = [...this.config.commands.filter((c) => !c.hidden).map((c) => c.id.replaceAll(':', ' ')), ...help.groups()]
    throw new UnknownCommandError(
      `no command or flag group "${words.join(' ')}"${didYouMean(words.join(' '), subjects)}; try: ${subjects.sort().join(', ')}`,
    )
  }
}
