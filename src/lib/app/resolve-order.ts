/*
 * Resolves a stream of inputs with a bounded number of lookups in flight and hands the
 * results back in input order, so `cadv watch | jq -r .name | cadv resolve -` prints one
 * answer per line in the order the names came, without waiting for the end of input.
 * Each name is forgotten by the resolver once its answer is handed back, so a long stream
 * costs memory for the lookups in flight only, not for every name ever seen.
 */
import type {ContainerInfo, ContainerResolver, FactoryDecision} from '../model/index.js'
import type {InputItem} from './resolve-input.js'

export type Outcome = {item: InputItem; decision?: FactoryDecision; info?: ContainerInfo}

export async function resolveInOrder(
  resolver: ContainerResolver,
  items: AsyncIterable<InputItem> | Iterable<InputItem>,
  onResult: (o: Outcome) => void,
  concurrency = 32,
): Promise<void> {
  const queue: Promise<Outcome>[] = []
  const emit = (o: Outcome): void => {
    onResult(o)
    // A repeat of the name still in flight already holds its lookup; later repeats ask anew.
    if ('name' in o.item) resolver.forget(o.item.name)
  }
  const start = (item: InputItem): Promise<Outcome> =>
    'name' in item
      ? resolver.resolve(item.name).then((r) => (r.info ? {item, decision: r.decision, info: r.info} : {item, decision: r.decision}))
      : Promise.resolve({item})
  for await (const item of items) {
    queue.push(start(item))
    if (queue.length >= concurrency) emit(await queue.shift()!)
  }
  while (queue.length > 0) emit(await queue.shift()!)
}

/** Whether a decision passes: accepted, and by one of the expected factories when some are given. */
export function decisionPasses(d: FactoryDecision, expect: readonly string[]): boolean {
  if (!d.accepted) return false
  return expect.length === 0 || (d.factory !== null && expect.includes(d.factory))
}
