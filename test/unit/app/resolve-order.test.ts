// `cadv resolve -` on a long stream: answers come back in input order, and the resolver holds
// a decision only while its line is in flight (memory bounded by the concurrency, not by the
// length of the stream). The resolver is the real one, offline (no runtime needed).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'

import {createResolver} from '../../../src/lib/factories/index.js'
import {resolveInOrder, type InputItem} from '../../../src/lib/app/index.js'
import type {ContainerResolver} from '../../../src/lib/model/index.js'

test('each name is forgotten once its answer is printed; repeats still answer', async () => {
  const real = createResolver({offline: true})
  const held = new Set<string>()
  let peak = 0
  const spy: ContainerResolver = {
    resolve(name) {
      held.add(name)
      peak = Math.max(peak, held.size)
      return real.resolve(name)
    },
    forget(name) {
      held.delete(name)
      real.forget(name)
    },
  }
  const ids = Array.from({length: 300}, () => randomBytes(32).toString('hex'))
  const items: InputItem[] = ids.map((id) => ({text: `/docker/${id}`, name: `/docker/${id}`}))
  // The same name again at the end: answered again, not lost by the forgetting.
  items.push(items[0]!)
  const order: string[] = []
  try {
    await resolveInOrder(
      spy,
      items,
      ({item, decision}) => {
        order.push(item.text)
        assert.equal(decision?.factory, 'docker')
      },
      8,
    )
  } finally {
    real.close()
  }
  assert.deepEqual(
    order,
    items.map((i) => i.text),
  )
  assert.equal(held.size, 0, `${held.size} decisions still held after the stream ended`)
  assert.ok(peak <= 9, `peak ${peak} held decisions with 8 in flight`)
})
