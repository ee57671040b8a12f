// Development helper: holds N test cgroups (a process in 1 of `every`, in a network namespace of
// its own) until SIGTERM or SIGINT, then removes them. Prints the parent's name.
//   node --import tsx bench/lib/hold-cgroups.ts <label> <n> [every]
import {TestCgroups} from '../../test/helpers/cgroups.js'

const [label = 'cadvb-hold', nText = '1000', everyText = '0'] = process.argv.slice(2)
const tc = new TestCgroups(label)
tc.mkdir()
for (let i = 0; i < Number(nText); i++) tc.mkdir(`c${i}`)
const every = Number(everyText)
if (every > 0) for (let i = 0; i < Number(nText); i += every) tc.spawnIn(`c${i}`, 'unshare', ['-n', 'sleep', '36000'])
console.log(tc.root)
const stop = (): void => {
  void tc.cleanup().finally(() => process.exit(0))
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
setInterval(() => undefined, 1 << 30)
