/*
 * Protocol fixture: a Docker Engine API endpoint on a unix socket that answers
 * `GET /containers/<id>/json` from a script the test changes while it runs (a container that
 * is "created" for a while, then "running"; a daemon that hangs). It speaks real HTTP over a
 * real socket, so the client, its timeout and its guard run for real. Not a runtime: tests
 * that need docker's behaviour use test/helpers/runtimes.ts.
 */
import {createServer, type Server, type ServerResponse} from 'node:http'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Socket} from 'node:net'

export type EngineState = {kind: 'status'; status: string} | {kind: 'hang'} | {kind: 'missing'}

export interface EngineFixture {
  /** `unix://…`, for ResolverOptions' docker endpoint. */
  endpoint: string
  /** Inspect requests received so far. */
  readonly requests: number
  /** What the next inspect gets. */
  state: EngineState
  close(): Promise<void>
}

export interface EngineFixtureContainer {
  id: string
  name: string
  image: string
  labels: Record<string, string>
}

export async function startEngineFixture(c: EngineFixtureContainer, state: EngineState): Promise<EngineFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-engine-'))
  const sock = join(dir, 'docker.sock')
  const sockets = new Set<Socket>()
  const held: ServerResponse[] = []
  let requests = 0
  const fixture = {
    endpoint: `unix://${sock}`,
    get requests() {
      return requests
    },
    state,
    close: async () => {
      for (const r of held) r.destroy()
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
      rmSync(dir, {recursive: true, force: true})
    },
  }
  const server: Server = createServer((req, res) => {
    if (req.url !== `/containers/${c.id}/json`) {
      res.writeHead(404, {'content-type': 'application/json'}).end('{"message":"no such container"}')
      return
    }
    requests++
    const s = fixture.state
    if (s.kind === 'hang') {
      held.push(res)
      return
    }
    if (s.kind === 'missing') {
      res.writeHead(404, {'content-type': 'application/json'}).end('{"message":"no such container"}')
      return
    }
    const running = s.status === 'running'
    const body = {
      Id: c.id,
      Name: `/${c.name}`,
      Created: new Date().toISOString(),
      RestartCount: 0,
      Config: {Image: c.image, Labels: c.labels, Env: []},
      State: {Status: s.status, Running: running, Pid: running ? process.pid : 0},
      HostConfig: {NetworkMode: 'bridge'},
    }
    res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(body))
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(sock, r))
  return fixture
}
