// Kind `pressure`: PSI totals from cpu.pressure, memory.pressure and io.pressure (v2).
import {US_PER_S, type Family, type FamilyModule, type PressureSample} from '../../../model/index.js'

function pair(resource: keyof PressureSample, word: string): [Family, Family] {
  return [
    {
      name: `container_pressure_${resource}_stalled_seconds_total`,
      type: 'counter',
      help: `Total time duration no tasks in the container could make progress due to ${word} congestion.`,
    },
    {
      name: `container_pressure_${resource}_waiting_seconds_total`,
      type: 'counter',
      help: `Total time duration tasks in the container have waited due to ${word} congestion.`,
    },
  ]
}

const resources: Array<[keyof PressureSample, [Family, Family]]> = [
  ['cpu', pair('cpu', 'CPU')],
  ['memory', pair('memory', 'memory')],
  ['io', pair('io', 'IO')],
]

export const pressureFamilies: FamilyModule = {
  families: resources.flatMap(([, fams]) => fams),
  write(out, {sample}) {
    const p = sample?.pressure
    if (!p) return
    for (const [resource, [stalled, waiting]] of resources) {
      const line = p[resource]
      if (!line) continue
      // `full` = no task could run (stalled), `some` = at least one waited.
      if (line.fullUs !== undefined) out.add(stalled, line.fullUs / US_PER_S)
      out.add(waiting, line.someUs / US_PER_S)
    }
  },
}
