import {FileParseError} from '../../files.js'
import {toUint, uintProblem} from '../../parse.js'
import type {PressureLine} from '../../../model/index.js'
import type {KindReader} from '../types.js'

/**
 * PSI: `some avg10=0.00 avg60=0.00 avg300=0.00 total=1234` and, except for cpu on old kernels,
 * a `full …` line. Only the totals (µs) are kept: averages are derived from two samples.
 */
export function parsePressure(text: string, path: string): PressureLine {
  let some: number | undefined
  let full: number | undefined
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    const kind = line.slice(0, 4)
    if (kind !== 'some' && kind !== 'full')
      throw new FileParseError(path, `line ${i + 1}: expected "some" or "full", got "${line.slice(0, 40)}"`)
    const at = line.indexOf('total=')
    if (at < 0) throw new FileParseError(path, `line ${i + 1}: no total=`)
    const raw = line.slice(at + 6).split(' ')[0]!
    const total = toUint(raw)
    if (Number.isNaN(total)) throw new FileParseError(path, `line ${i + 1}: total=${uintProblem(raw)}`)
    if (kind === 'some') some = total
    else full = total
  }
  if (some === undefined) throw new FileParseError(path, 'no "some" line')
  return full === undefined ? {someUs: some} : {someUs: some, fullUs: full}
}

export const pressureReader: KindReader = {
  kind: 'pressure',
  pure: true,
  // Its part is the totals, which only tasks' stalls move (the files' averages decay on their own).
  stillWithoutTasks: true,
  files: {
    v1: ['(none on v1; a hybrid host reads cpu.pressure, memory.pressure, io.pressure from the unified tree)'],
    v2: ['cpu.pressure', 'memory.pressure', 'io.pressure'],
  },
  read(ctx, sample) {
    const dir = ctx.dir('psi')
    if (dir === undefined) return
    for (const resource of ['cpu', 'memory', 'io'] as const) {
      const path = `${dir.path}/${resource}.pressure`
      const text = ctx.read(path)
      if (text === undefined || text === '') continue
      const line = ctx.attempt(() => parsePressure(text, path))
      if (line === undefined) continue
      sample.pressure ??= {}
      sample.pressure[resource] = line
    }
  },
}
