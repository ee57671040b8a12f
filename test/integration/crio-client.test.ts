// CRI-O cannot be installed on the CI machine (not packaged in Debian 12), so its client is
// tested against a PROTOCOL FIXTURE: a small HTTP server on a unix socket that answers
// /info and /containers/<id> with the JSON shapes CRI-O's inspect API returns. It checks the
// wire format (Host: crio, paths, field names) and the factory's rules end to end through
// createResolver and the CLI; it does not prove compatibility with a real CRI-O.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CrioClient, createResolver} from '../../src/lib/factories/index.js'
import {runCli} from '../helpers/cli.js'

const ID = 'c0ffee00'.repeat(8)
const SANDBOX = 'abad1dea'.repeat(8)

function fixture(driver: () => string, requests: {path: string; host: string}[]): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    requests.push({path: req.url ?? '', host: req.headers.host ?? ''})
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, {'content-type': 'application/json'})
      res.end(JSON.stringify(body))
    }
    if (req.url === '/info')
      return json(200, {
        storage_driver: 'overlay',
        storage_root: '/var/lib/containers/storage',
        storage_image: '',
        cgroup_driver: driver(),
        default_id_mappings: {},
      })
    if (req.url === `/containers/${ID}`) {
      return json(200, {
        name: 'k8s_app_web-0_default_1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809_1',
        pid: 4321,
        image: 'registry.local/web:1.2',
        image_ref: 'registry.local/web@sha256:00',
        // As CRI-O sends it: nanoseconds as a JSON number, beyond what a double holds exactly.
        // eslint-disable-next-line no-loss-of-precision
        created_time: 1764115200123456789,
        labels: {'io.kubernetes.container.name': 'app', 'io.kubernetes.pod.name': 'web-0'},
        annotations: {'io.kubernetes.container.restartCount': '3'},
        log_path: '/var/log/pods/x/app/0.log',
        root: '/var/lib/containers/storage/overlay/abc/merged',
        sandbox: SANDBOX,
        ip_addresses: ['10.0.0.7'],
      })
    }
    if (req.url === '/containers/broken') return json(500, {message: 'boom'})
    res.writeHead(404, {'content-type': 'text/plain'})
    res.end("can't find the container with id")
  }
}

describe('CRI-O client against a protocol fixture', () => {
  let dir: string
  let sock: string
  let server: Server
  let driver = 'systemd'
  const requests: {path: string; host: string}[] = []

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadv-crio-'))
    sock = join(dir, 'crio.sock')
    server = createServer(fixture(() => driver, requests))
    await new Promise<void>((r) => server.listen(sock, r))
  })
  after(async () => {
    await new Promise((r) => server.close(r))
    rmSync(dir, {recursive: true, force: true})
  })

  test('client: /info and /containers/<id>, with Host: crio', async () => {
    const c = new CrioClient({endpoint: sock, timeoutMs: 1000})
    assert.deepEqual(await c.getInfo(), {cgroupDriver: 'systemd', storageDriver: 'overlay', storageRoot: '/var/lib/containers/storage'})
    const ct = await c.getContainer(ID)
    assert.equal(ct?.name, 'k8s_app_web-0_default_1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809_1')
    assert.equal(ct?.pid, 4321)
    assert.equal(ct?.createdAt?.toISOString(), '2025-11-26T00:00:00.123Z')
    assert.equal(await c.getContainer('f'.repeat(64)), null, '404 is "unknown", not an error')
    await assert.rejects(c.getContainer('broken'), /HTTP 500/)
    assert.ok(requests.every((r) => r.host === 'crio'))
    assert.deepEqual(
      requests.slice(0, 2).map((r) => r.path),
      ['/info', `/containers/${ID}`],
    )
  })

  test('resolver: a systemd-driver container is accepted with its metadata; its sandbox is ignored', async () => {
    driver = 'systemd'
    const r = createResolver({
      crio: {endpoint: sock},
      docker: {endpoint: '/nonexistent/d'},
      podman: {endpoint: '/nonexistent/p'},
      containerd: {endpoint: '/nonexistent/c'},
    })
    try {
      const slice = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_5f60_4718_92a3_b4c5d6e7f809.slice'
      const c = await r.resolve(`${slice}/crio-${ID}.scope`)
      assert.deepEqual([c.decision.factory, c.decision.accepted, c.decision.id], ['crio', true, ID])
      assert.deepEqual(c.info?.aliases, ['k8s_app_web-0_default_1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809_1', ID])
      assert.equal(c.info?.image, 'registry.local/web:1.2')
      assert.equal(c.info?.restartCount, 3)
      assert.equal(c.info?.pid, 4321)
      assert.equal(c.info?.hasNetwork, false, 'only the POD container owns the network')
      const s = await r.resolve(`${slice}/crio-${SANDBOX}`)
      assert.deepEqual([s.decision.factory, s.decision.accepted], ['crio', false])
      assert.match(s.decision.checks.at(-1)!.reason, /pod sandbox/)
      const conmon = await r.resolve(`${slice}/crio-conmon-${ID}.scope`)
      assert.equal(conmon.decision.factory, 'raw')
    } finally {
      r.close()
    }
  })

  test('CLI: --crio points cadv resolve at the socket; cgroupfs driver accepts crio-<id>', async () => {
    driver = 'cgroupfs'
    const res = await runCli([
      'resolve',
      '--json',
      '--crio',
      sock,
      '--docker',
      'unix:///nonexistent/d',
      '--podman',
      'unix:///nonexistent/p',
      '--containerd',
      '/nonexistent/c',
      '--expect',
      'crio',
      `/kubepods/besteffort/pod1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809/crio-${ID}`,
    ])
    assert.equal(res.code, 0, res.stderr)
    const d = JSON.parse(res.stdout)
    assert.equal(d.factory, 'crio')
    assert.match(d.checks[3].reason, /CRI-O container "k8s_app_web-0_default_.*" \(GET \/containers\/c0ffee00c0ff…/)
  })
})
