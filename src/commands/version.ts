import {Command, Flags} from '@oclif/core'

export default class Version extends Command {
  static override summary = "Print cadv's version (also: cadv --version)."

  static override flags = {
    json: Flags.boolean({description: 'Print {"version", "node", "platform", "arch"} as JSON.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Version)
    const facts = {version: this.config.version, node: process.version, platform: process.platform, arch: process.arch}
    this.log(
      flags.json ? JSON.stringify(facts) : `${this.config.bin} ${facts.version} (node ${facts.node}, ${facts.platform}-${facts.arch})`,
    )
  }
}
