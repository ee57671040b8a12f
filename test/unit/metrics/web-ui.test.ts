// The web UI's routes behind the real MetricsServer: where / and the runtime paths lead, the
// page for any container name (404 for an unknown one), the headers (our policy beside an
// operator's), the built files with ETag and gzip, and a clear 503 when they were never built.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  CONTENT_SECURITY_POLICY,
  encodeName,
  Exposition,
  landingPage,
  MetricsServer,
  MetricsSource,
  nameOf,
  readMachineInfo,
  toRoot,
  webUiRoutes,
  WebConfigWatcher,
} from '../../../src/lib/metrics/index.js'
import {ALL_COLLECTED} from '../../helpers/states.js'
import {ListView, rawState, runtimeState} from '../../helpers/view.js'

const WEIRD = '/t/x<img src=x onerror="alert(1)">'
const ID = 'a'.repeat(12) + 'b'.repeat(52)
const C1 = 'c1c1c1c1' + '0'.repeat(56)
const C2 = 'c1c1c1c2' + '0'.repeat(56)
const view = new ListView([
  rawState('/'),
  rawState('/t'),
  rawState(WEIRD),
  runtimeState(`/docker/${ID}`, 'docker', ID, ['web', ID]),
  // Runtimes give the name and the id as aliases, in that order.
  runtimeState('/docker/c1', 'docker', C1, ['one', C1]),
  runtimeState('/docker/c2', 'docker', C2, ['two', C2]),
  runtimeState('/machine.slice/libpod-p1.scope', 'podman', 'p'.repeat(64), ['pod-web', 'p'.repeat(64)]),
])
const landing = landingPage('/metrics', '1')
let dir: string
let server: MetricsServer
let base: string

function serverWith(routes: ReturnType<typeof webUiRoutes>, webConfig?: WebConfigWatcher): MetricsServer {
  const source = new MetricsSource({view, exposition: new Exposition({kinds: ALL_COLLECTED, machine: readMachineInfo(), version: '1'})})
  return new MetricsServer({
    listen: ['127.0.0.1:0'],
    telemetryPath: '/metrics',
    source,
    routes,
    webConfig,
    maxRequests: 0,
    requestTimeoutMs: 10_000,
    log: () => undefined,
  })
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadv-webui-'))
  const assets = join(dir, 'web')
  mkdirSync(assets)
  writeFileSync(join(assets, 'app.js'), 'console.log("the app")\n'.repeat(50))
  writeFileSync(join(assets, 'app.css'), 'body{}\n')
  writeFileSync(join(assets, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  // The operator's own headers: a policy of theirs must stay, beside ours.
  const config = join(dir, 'web.yml')
  writeFileSync(config, `http_server_config:\n  headers:\n    Content-Security-Policy: "img-src 'none'"\n    X-Frame-Options: deny\n`)
  server = serverWith(webUiRoutes(view, {assetsDir: assets}, landing), new WebConfigWatcher(config))
  const [a] = await server.start()
  base = `http://127.0.0.1:${a!.port}`
})

after(async () => {
  await server?.stop(0)
  rmSync(dir, {recursive: true, force: true})
})

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, {redirect: 'manual', headers})

test('/ and /containers lead a browser to containers/ with relative addresses (they work under any path prefix)', async () => {
  const root = await get('/', {accept: 'text/html,application/xhtml+xml,*/*;q=0.8'})
  assert.equal(root.status, 302)
  assert.equal(root.headers.get('location'), 'containers/')
  assert.equal(root.headers.get('vary'), 'Accept')
  const bare = await get('/containers?filter=x')
  assert.equal(bare.headers.get('location'), 'containers/?filter=x')
})

test('under --url-base-prefix, / leads to the prefix’s containers/, spelled out (the browser may be at the bare prefix)', async () => {
  const route = webUiRoutes(view, {assetsDir: join(dir, 'web'), urlBasePrefix: '/cadvisor'})[0]!
  const headers: Record<string, string> = {}
  const res = {
    req: {method: 'GET'},
    getHeader: () => undefined,
    hasHeader: () => false,
    setHeader: (k: string, v: string) => (headers[k.toLowerCase()] = String(v)),
    writeHead: (_s: number, h: Record<string, string>) =>
      Object.assign(headers, Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]))),
    end: () => undefined,
  }
  await route.handle({headers: {accept: 'text/html'}} as never, res as never, new URL('http://x/'))
  assert.equal(headers.location, '/cadvisor/containers/')
})

test('a client that does not ask for HTML gets the landing page’s links at /', async () => {
  const res = await get('/', {accept: '*/*'})
  assert.equal(res.status, 200)
  assert.match(await res.text(), /href="\/metrics"/)
})

test('every container name gets the page, with links back to the root by its depth, unknown ones too (the page waits for them)', async () => {
  const list = await get('/containers/')
  assert.equal(list.status, 200)
  assert.equal(list.headers.get('content-type'), 'text/html; charset=utf-8')
  const html = await list.text()
  assert.match(html, /<script type="module" src="\.\.\/static\/app\.js"><\/script>/)
  assert.doesNotMatch(html, /<script>|style=/, 'no inline script or style')
  const weird = await get(`/containers${encodeName(WEIRD)}`)
  assert.equal(weird.status, 200)
  const page = await weird.text()
  assert.match(page, /src="\.\.\/\.\.\/static\/app\.js"/)
  assert.ok(!page.includes('onerror'), 'the name is never in the page the server sends')
  assert.equal((await get('/containers/t/')).status, 200, 'a trailing slash names the same container')
  assert.equal((await get('/containers/no/such')).status, 200)
  assert.equal((await get('/containers/%E0%A4%A')).status, 400)
})

test('UI responses carry a strict policy beside the operator’s own, and the operator’s other headers', async () => {
  const res = await get('/containers/')
  const csp = res.headers.get('content-security-policy')!
  assert.ok(csp.includes(CONTENT_SECURITY_POLICY), csp)
  assert.ok(csp.includes("img-src 'none'"), 'the operator’s policy is kept (a browser enforces both)')
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'/)
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/)
  assert.match(CONTENT_SECURITY_POLICY, /require-trusted-types-for 'script'/)
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
  assert.equal(res.headers.get('x-frame-options'), 'deny')
})

test('/docker/<name, id or unique id prefix> leads to the container’s page; ambiguous and unknown ones say why', async () => {
  for (const ref of ['web', ID, ID.slice(0, 12)]) {
    const res = await get(`/docker/${ref}`)
    assert.equal(res.status, 302, ref)
    assert.equal(res.headers.get('location'), `../containers/docker/${ID}`)
  }
  const podman = await get('/podman/pod-web')
  assert.equal(podman.headers.get('location'), '../containers/machine.slice/libpod-p1.scope')
  const ambiguous = await get('/docker/c1c1c1c')
  assert.equal(ambiguous.status, 404)
  assert.match(await ambiguous.text(), /2 docker containers have a name or id starting with "c1c1c1c"/)
  assert.equal((await get('/docker/tw')).headers.get('location'), '../containers/docker/c2', 'a name prefix too, as the REST API')
  assert.match(await (await get('/docker/nope')).text(), /no docker container "nope"/)
  assert.equal((await get('/docker/pod-web')).status, 404, 'a podman name is not a docker one')
  const all = await get('/docker/')
  assert.equal(all.headers.get('location'), '../containers/?filter=factory%3Adocker')
  assert.equal((await get('/docker')).headers.get('location'), './containers/?filter=factory%3Adocker')
})

test('static files: ETag, 304 when unchanged, gzip when accepted', async () => {
  const plain = await get('/static/app.js', {'accept-encoding': 'identity'})
  assert.equal(plain.status, 200)
  assert.equal(plain.headers.get('content-type'), 'text/javascript; charset=utf-8')
  const etag = plain.headers.get('etag')!
  assert.match(etag, /^"[\w-]{22}"$/)
  const body = await plain.text()
  assert.equal((await get('/static/app.js', {'if-none-match': etag})).status, 304)
  const zipped = await fetch(`${base}/static/app.js`, {headers: {'accept-encoding': 'gzip'}})
  assert.equal(zipped.headers.get('content-encoding'), 'gzip')
  assert.equal(await zipped.text(), body)
  assert.equal((await get('/static/nope.js')).status, 404)
  assert.equal((await get('/static/..%2Fweb.yml')).status, 404)
})

test('without a build the pages say so (503), and the rest of the server is unaffected', async () => {
  const s = serverWith(webUiRoutes(view, {assetsDir: join(dir, 'nothing')}))
  const [a] = await s.start()
  try {
    const res = await fetch(`http://127.0.0.1:${a!.port}/containers/`)
    assert.equal(res.status, 503)
    assert.match(await res.text(), /web UI files missing in .*nothing.*\(app\.js, app\.css, favicon\.svg\): run npm run build/)
    assert.equal((await fetch(`http://127.0.0.1:${a!.port}/metrics`)).status, 200)
  } finally {
    await s.stop(0)
  }
})

test('paths: the way back to the root, names as paths and back', () => {
  assert.equal(toRoot('/'), './')
  assert.equal(toRoot('/docker'), './')
  assert.equal(toRoot('/containers/'), '../')
  assert.equal(toRoot('/containers/a/b'), '../../')
  assert.equal(encodeName('/'), '/')
  assert.equal(encodeName('/a b/c?d#e'), '/a%20b/c%3Fd%23e')
  assert.equal(nameOf('/containers/a%20b/c%3Fd%23e', '/containers'), '/a b/c?d#e')
  assert.equal(nameOf(`/containers${encodeName(WEIRD)}`, '/containers'), WEIRD)
  assert.equal(nameOf('/containers', '/containers'), '/')
  assert.equal(nameOf('/containers/%zz', '/containers'), undefined)
})
