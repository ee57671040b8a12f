// Large bodies go out a piece per turn of the event loop: every concurrent client gets the
// whole body with its length, HEAD gets none, and a client that leaves mid-body frees its sender.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {createServer, request, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {PIECE_BYTES, sendInPieces} from '../../../src/lib/metrics/index.js'

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))
}

function get(port: number, method = 'GET'): Promise<{length: string | undefined; body: Buffer}> {
  return new Promise((resolve, reject) => {
    request({host: '127.0.0.1', port, method}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({length: res.headers['content-length'], body: Buffer.concat(chunks)}))
      res.on('error', reject)
    })
      .on('error', reject)
      .end()
  })
}

test('20 clients at once each get the whole large body, byte for byte, with its length', async () => {
  const body = Buffer.alloc(PIECE_BYTES * 5 + 12345)
  for (let i = 0; i < body.length; i++) body[i] = (i * 7919) % 251
  let turns = 0
  let sending = 0
  const server = createServer((_req, res) => {
    sending++
    void sendInPieces(res, 200, 'text/plain', body).finally(() => sending--)
  })
  const port = await listen(server)
  const tick = (): void => {
    turns++
    if (server.listening) setImmediate(tick)
  }
  setImmediate(tick)
  try {
    const got = await Promise.all(Array.from({length: 20}, () => get(port)))
    for (const g of got) {
      assert.equal(g.length, String(body.length))
      assert.ok(g.body.equals(body), 'the body arrives whole and unchanged')
    }
    assert.ok(turns >= 5, `the loop had ${turns} turns while 20 bodies of 6 pieces went out`)
    const head = await get(port, 'HEAD')
    assert.equal(head.length, String(body.length))
    assert.equal(head.body.length, 0)
    assert.equal(sending, 0)
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

test('a client that goes away mid-body ends its sender', async () => {
  const body = Buffer.alloc(64 * 1024 * 1024, 'x')
  let finished: Promise<void> | undefined
  const server = createServer((_req, res) => void (finished = sendInPieces(res, 200, 'text/plain', body)))
  const port = await listen(server)
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request({host: '127.0.0.1', port}, (res) => {
        // Read one chunk, then hang up: the socket fills up and then closes.
        res.once('data', () => {
          req.destroy()
          resolve()
        })
      })
      req.on('error', () => {})
      req.on('close', resolve)
      req.end()
      setTimeout(() => reject(new Error('no response')), 30_000).unref()
    })
    assert.ok(finished)
    await finished
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})
