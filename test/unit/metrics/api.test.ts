// /api/v1/containers/<x>: x is a cgroup name, or what docker stats takes: a runtime name or an id.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'

import {containersApi} from '../../../src/lib/metrics/api.js'
import type {ContainerState, ContainerViewEvents} from '../../../src/lib/model/index.js'

const ID = 'f3b5f305847a388ccd6ef51b467873e91b8a83102179a9dc27867e861c281348'

function state(name: string, aliases: string[] = [], id?: string): ContainerState {
  return {
    name,
    firstSeenMs: 0,
    samples: [],
    ...(aliases.length > 0 || id
      ? {info: {name, factory: 'docker', aliases, labels: {}, env: {}, pid: 0, hasNetwork: true, ...(id ? {id} : {})}}
      : {}),
  }
}

class View extends EventEmitter<ContainerViewEvents> {
  constructor(private readonly list: ContainerState[]) {
    super()
  }
  containers(): Iterable<ContainerState> {
    return this.list
  }
  get(name: string): ContainerState | undefined {
    return this.list.find((c) => c.name === name)
  }
}

async function get(path: string): Promise<{status: number; body: {name?: string; error?: string; names?: string[]}}> {
  const view = new View([
    state(`/docker/${ID}`, ['web', ID], ID),
    state('/docker/other', ['db']),
    state('/a/web'),
    state('/b/twin', ['twin']),
    state('/c/twin', ['twin']),
  ])
  let status = 0
  let text = ''
  const res = {
    req: {method: 'GET'},
    writeHead: (s: number) => ((status = s), res),
    end: (b?: Buffer) => void (text = b?.toString('utf8') ?? ''),
  }
  await containersApi(view).handle({} as never, res as never, new URL(path, 'http://x'))
  return {status, body: JSON.parse(text) as {name?: string}}
}

test('a container is found by its cgroup name, its runtime name, its id or 12+ characters of it', async () => {
  for (const path of [
    `/api/v1/containers/docker/${ID}`,
    '/api/v1/containers/web',
    `/api/v1/containers/${ID}`,
    `/api/v1/containers/${ID.slice(0, 12)}`,
  ]) {
    const r = await get(path)
    assert.equal(r.status, 200, path)
    assert.equal(r.body.name, `/docker/${ID}`, path)
  }
  assert.equal((await get('/api/v1/containers/db')).body.name, '/docker/other')
})

test('too short an id, an unknown name: 404; a name two containers share: 409 with both', async () => {
  assert.equal((await get(`/api/v1/containers/${ID.slice(0, 6)}`)).status, 404)
  assert.match((await get('/api/v1/containers/nothing')).body.error!, /no container \/nothing \(a cgroup name, a runtime name or an id\)/)
  const twin = await get('/api/v1/containers/twin')
  assert.equal(twin.status, 409)
  assert.deepEqual(twin.body.names, ['/b/twin', '/c/twin'])
})
