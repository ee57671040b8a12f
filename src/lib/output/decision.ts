import type {FactoryDecision, KubernetesPlacement} from '../model/index.js'
import {escapeControl} from '../util/index.js'

/** What `cadv resolve` adds to a decision: the runtime's name and image, and a note. */
export interface DecisionExtras {
  alias?: string
  image?: string
  note?: string
}

/** A decision as `cadv resolve --json` prints it: alias and image are null when unknown. */
export function decisionJson(d: FactoryDecision, x: DecisionExtras = {}): string {
  return JSON.stringify({...d, alias: x.alias ?? null, image: x.image ?? null, ...(x.note ? {note: x.note} : {})})
}

/**
 * A decision for people: the verdict on the first line, then one indented line per factory
 * asked, in order, with what it said.
 *
 *   /docker/4b1e…: docker, accepted, id 4b1ed3b8…
 *     docker      accept  running docker container "web" (GET /containers/4b1e…/json on unix:///var/run/docker.sock)
 */
export function formatDecision(d: FactoryDecision, x: DecisionExtras = {}): string {
  // The name comes from the input and reasons quote runtimes' answers: control characters in
  // either are shown escaped, never sent to the terminal.
  return formatRaw(d, x).map(escapeControl).join('\n') + '\n'
}

function formatRaw(d: FactoryDecision, x: DecisionExtras): string[] {
  const verdict = d.factory === null ? 'no factory handled it' : `${d.factory}, ${d.accepted ? 'accepted' : 'ignored'}`
  const named = x.alias !== undefined && x.alias !== d.id ? `, name ${x.alias}` : ''
  const head = `${d.name}: ${verdict}${d.id ? `, id ${d.id}` : ''}${named}${x.image ? `, image ${x.image}` : ''}`
  const rows = d.checks.map((c) => {
    const word = !c.canHandle ? 'pass' : c.accept ? 'accept' : 'ignore'
    return `  ${c.factory.padEnd(11)} ${word.padEnd(8)}${c.reason}`
  })
  const kube = d.kubernetes ? [`  ${'kubernetes'.padEnd(11)} ${describeKubernetes(d.kubernetes)}`] : []
  return [head, ...kube, ...rows, ...(x.note ? [`  note: ${x.note}`] : [])]
}

/** `container of pod 1b2c…, QoS burstable, systemd cgroup driver; pod ns/web, container nginx` */
export function describeKubernetes(k: KubernetesPlacement): string {
  const where =
    k.level === 'kubepods'
      ? "the kubelet's kubepods cgroup"
      : k.level === 'qos'
        ? `QoS class ${k.qos} cgroup`
        : `${k.level === 'pod' ? 'pod cgroup' : 'container'} of pod ${k.podUid}, QoS ${k.qos}`
  const names = [
    k.pod || k.namespace ? `pod ${k.namespace ?? ''}/${k.pod ?? ''}` : '',
    k.container ? `container ${k.container}` : '',
  ].filter(Boolean)
  return `${where}, ${k.driver} cgroup driver${names.length > 0 ? `; ${names.join(', ')}` : ''}`
}
