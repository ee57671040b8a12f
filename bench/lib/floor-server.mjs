// The floor of bench/serve.bench.ts: a bare Node HTTP server that answers every request with
// bytes fixed in advance (cadv's own last body, as text and gzip), in a process of its own.
// What the client and the machine cost at this load, with no collection, render or state.
// Usage: node floor-server.mjs <text file> <gzip file>; prints "port <n>" once listening.
import {readFileSync} from 'node:fs'
import {createServer} from 'node:http'

const [textFile, gzipFile] = process.argv.slice(2)
const text = readFileSync(textFile)
const gzip = readFileSync(gzipFile)
const server = createServer((req, res) => {
  const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
  const body = gz ? gzip : text
  res.writeHead(200, {
    'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    'Content-Length': String(body.length),
    ...(gz ? {'Content-Encoding': 'gzip'} : {}),
  })
  res.end(body)
})
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
