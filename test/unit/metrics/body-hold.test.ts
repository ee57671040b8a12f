// A scrape holds its body until the response is written: a body replaced meanwhile is not given
// back for reuse (body-cache.ts) while a slow client still reads it, and that client gets it
// byte for byte. Both ways a body goes out: whole (the metrics thread) and in pieces.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {connect} from 'node:net'

import {makeBody, type Body} from '../../../src/lib/metrics/body-cache.js'
import {MetricsServer} from '../../../src/lib/metrics/index.js'
import {until} from '../../helpers/wait.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

for (const wholeBodies of [true, false]) {
  test(`a body is not given back while a slow client reads it (${wholeBodies ? 'whole' : 'in pieces'})`, async () => {
    // Larger than what loopback's socket buffers take while the client reads nothing.
    const text = Buffer.allocUnsafe(48 << 20)
    for (let i = 0; i < text.length; i += 4096) text.fill(i % 251, i, i + 4096)
    let back = 0
    let body: Body | undefined = makeBody('text/plain', text, () => back++)
    const server = new MetricsServer({
      listen: ['127.0.0.1:0'],
      telemetryPath: '/metrics',
      source: {body: async () => body!},
      routes: [],
      maxRequests: 0,
      requestTimeoutMs: 60_000,
      wholeBodies,
      log: () => undefined,
    })
    const [address] = await server.start()
    const socket = connect(address!.port, '127.0.0.1')
    try {
      const chunks: Buffer[] = []
      let got = 0
      socket.on('data', (c: Buffer) => {
        chunks.push(c)
        got += c.length
      })
      const ended = new Promise((resolve) => socket.on('end', resolve))
      socket.write('GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')
      await until('the answer to begin', () => got > 0, 30_000)
      socket.pause()
      // The server writes what the socket takes, and the rest waits for this client.
      await sleep(300)
      assert.ok(got < text.length, 'the client got the whole body while it read nothing')
      body.retire()
      body = undefined
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
      await sleep(100)
      assert.equal(back, 0, 'given back while a client still had it to read')
      socket.resume()
      await ended
      const answer = Buffer.concat(chunks)
      const start = answer.indexOf('\r\n\r\n') + 4
      assert.ok(answer.subarray(start).equals(text), 'the body arrived whole and unchanged')
      await until('the body given back once its response is written', () => back === 1, 30_000)
    } finally {
      socket.destroy()
      await server.stop(0)
    }
  })
}
