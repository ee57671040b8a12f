// The metrics thread's pass-through to the main thread's routes: a kept-alive connection the
// main thread closes just as it is handed out (a loaded host runs the passing loop late) must
// not turn a page's GET into a 500; a request with a body is not asked twice.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {createServer, request, type Server} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'

import {FRONT_TOKEN_HEADER, proxyRoute} from '../../../src/lib/metrics/front-proxy.js'

const token = 'secret'
const socketPath = `\0cadv-proxy-test-${process.pid}-${randomBytes(4).toString('hex')}`
/** Requests the main thread's side saw, with the connection each came on. */
const seen: {method: string; url: string; socket: Socket; body: string}[] = []
/** When set, a request arriving on a connection that already served one is dropped unanswered. */
let dropReused = false
const warnings: string[] = []
let inner: Server
let outer: Server
let port: number
const route = proxyRoute({socketPath, token, methods: ['POST'], idleTimeoutMs: 10_000, warn: (m) => warnings.push(m)})

before(async () => {
  inner = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const reused = seen.some((s) => s.socket === req.socket)
      seen.push({method: req.method ?? '', url: req.url ?? '', socket: req.socket, body})
      assert.equal(req.headers[FRONT_TOKEN_HEADER], token)
      if (dropReused && reused) {
        req.socket.destroy()
        return
      }
      res.end(`${req.method} ${req.url} ${body}`)
    })
  })
  await new Promise<void>((resolve) => inner.listen(socketPath, resolve))
  outer = createServer((req, res) => void route.handle(req, res, new URL(req.url ?? '/', 'http://cadv')))
  await new Promise<void>((resolve) => outer.listen(0, '127.0.0.1', resolve))
  port = (outer.address() as AddressInfo).port
})
after(async () => {
  route.close()
  outer.closeAllConnections()
  inner.closeAllConnections()
  await Promise.all([new Promise((r) => outer.close(r)), new Promise((r) => inner.close(r))])
})

function ask(method: string, path: string, body?: string): Promise<{status: number; text: string}> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, method, path, agent: false}, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, text}))
    })
    req.on('error', reject)
    req.end(body)
  })
}

test('a GET whose kept-alive connection is closed under it is asked again on a new one', async () => {
  dropReused = false
  seen.length = 0
  assert.deepEqual(await ask('GET', '/static/favicon.svg'), {status: 200, text: 'GET /static/favicon.svg '})
  dropReused = true
  assert.deepEqual(await ask('GET', '/static/app.css'), {status: 200, text: 'GET /static/app.css '})
  assert.deepEqual(
    seen.map((s) => s.url),
    ['/static/favicon.svg', '/static/app.css', '/static/app.css'],
  )
  assert.notEqual(seen[2]!.socket, seen[1]!.socket, 'the second attempt came on a new connection')
  assert.deepEqual(warnings, [])
})

test('a POST is not asked twice: the client gets a 500 and the reason is told', async () => {
  dropReused = false
  seen.length = 0
  assert.equal((await ask('POST', '/api/v1.3/containers/', '{"num_stats":1}')).status, 200)
  dropReused = true
  const second = await ask('POST', '/api/v1.3/containers/', '{"num_stats":2}')
  assert.equal(second.status, 500)
  assert.deepEqual(
    seen.map((s) => s.body),
    ['{"num_stats":1}', '{"num_stats":2}'],
  )
  assert.equal(warnings.length, 1)
  assert.match(warnings[0]!, /^request \/api\/v1\.3\/containers\/: the main thread did not answer \(/)
})
