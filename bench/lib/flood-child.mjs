// The attacker of bench/endpoint.bench.ts, in a process of its own so that its work does not
// slow the authorised client being measured. Usage:
//   node flood-child.mjs <port> <seconds> <password-clients> <idle-connections> <idle-addresses>
// Wrong passwords: <password-clients> loops, each from its own 127.0.2.x address, one request
// after another (new connection each), alternating a known user with a wrong password and an
// unknown user. Idle connections: <idle-connections> sockets from 127.0.3.x that send nothing
// and are re-opened when the server closes them. Prints one JSON line of counts at the end.
import {request} from 'node:http'
import {connect} from 'node:net'

const [port, seconds, clients, idle, addresses] = process.argv.slice(2).map(Number)
const until = Date.now() + seconds * 1000
const statuses = {}
let reopened = 0

function basic(user, password) {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

function once(localAddress, auth) {
  return new Promise((resolve) => {
    const req = request({host: '127.0.0.1', port, path: '/metrics', agent: false, localAddress, headers: {Authorization: auth}}, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.setTimeout(10_000, () => req.destroy())
    req.on('error', () => resolve(0))
    req.end()
  })
}

async function guesser(i) {
  const from = `127.0.2.${1 + (i % 250)}`
  for (let n = 0; Date.now() < until; n++) {
    const s = await once(from, basic(n % 2 ? 'prom' : `user${n}`, `guess-${i}-${n}`))
    statuses[s] = (statuses[s] ?? 0) + 1
    // A 429/503 comes back at once: do not spin on it.
    if (s === 429 || s === 503) await new Promise((r) => setTimeout(r, 20))
  }
}

function holdIdle(i) {
  if (Date.now() >= until) return
  const s = connect({host: '127.0.0.1', port, localAddress: `127.0.3.${1 + (i % addresses)}`})
  s.on('error', () => undefined)
  s.on('close', () => {
    reopened++
    setTimeout(() => holdIdle(i), 10)
  })
  sockets.push(s)
}

const sockets = []
for (let i = 0; i < idle; i++) holdIdle(i)
await Promise.all(Array.from({length: clients}, (_, i) => guesser(i)))
for (const s of sockets) s.destroy()
console.log(JSON.stringify({statuses, reopened}))
process.exit(0)
