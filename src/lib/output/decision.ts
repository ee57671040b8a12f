import type {FactoryDecision} from '../model/index.js'

/**
 * A decision for people: the verdict on the first line, then one indented line per factory
 * asked, in order, with what it said.
 *
 *   /docker/4b1e…: docker, accepted, id 4b1ed3b8…
 *     docker      accept  running docker container "web" (GET /containers/4b1e…/json on unix:///var/run/docker.sock)
 */
export function formatDecision(d: FactoryDecision): string {
  const verdict = d.factory === null ? 'no factory handled it' : `${d.factory}, ${d.accepted ? 'accepted' : 'ignored'}`
  const head = `${d.name}: ${verdict}${d.id ? `, id ${d.id}` : ''}`
  const rows = d.checks.map((c) => {
    const word = !c.canHandle ? 'pass' : c.accept ? 'accept' : 'ignore'
    return `  ${c.factory.padEnd(11)} ${word.padEnd(8)}${c.reason}`
  })
  return [head, ...rows].join('\n') + '\n'
}
