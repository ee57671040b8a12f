// cAdvisor's REST API sits behind what guards every path of `cadv serve`: the web config's
// basic auth, and --max-requests shared with the scrapes (an open event stream holds its slot).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import bcrypt from 'bcryptjs'

import {realCgroupSkipReason} from '../helpers/cgroups.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = realCgroupSkipReason()

test('basic auth of the web config covers the API; --max-requests counts an open stream', {skip}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-api-guard-'))
  const config = join(dir, 'web.yml')
  writeFileSync(config, `basic_auth_users:\n  prom: ${bcrypt.hashSync('s3cret', 10)}\n`)
  const serve = await new ServeProcess([
    '--web-config-file',
    config,
    '--max-requests',
    '1',
    '--raw-cgroup-prefix-whitelist',
    '/nonexistent-prefix',
  ]).ready()
  const auth = `Basic ${Buffer.from('prom:s3cret').toString('base64')}`
  let stream: ReturnType<typeof request> | undefined
  try {
    assert.equal((await fetch(`${serve.url}/api/v2.0/version`)).status, 401)
    assert.equal((await fetch(`${serve.url}/api/v2.0/version`, {headers: {authorization: auth}})).status, 200)
    // A stream holds the one slot until it closes.
    let open = false
    stream = request(`${serve.url}/api/v1.3/events?stream=true&all_events=true`, {headers: {authorization: auth}}, (res) => {
      open = res.statusCode === 200
      res.resume()
    })
    stream.on('error', () => undefined)
    stream.end()
    await until('the stream to open', () => open)
    const busy = await fetch(`${serve.url}/api/v2.0/version`, {headers: {authorization: auth}})
    assert.equal(busy.status, 503)
    assert.deepEqual(await busy.json(), {error: 'too many concurrent requests (--max-requests 1)', status: 503})
    assert.equal((await fetch(`${serve.url}/metrics`, {headers: {authorization: auth}})).status, 503, 'scrapes share the limit')
    stream.destroy()
    await until(
      'the slot freed',
      async () => (await fetch(`${serve.url}/api/v2.0/version`, {headers: {authorization: auth}})).status === 200,
    )
  } finally {
    stream?.destroy()
    await serve.stop()
    rmSync(dir, {recursive: true, force: true})
  }
})
