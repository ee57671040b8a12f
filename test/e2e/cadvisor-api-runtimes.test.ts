/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// cAdvisor's REST API on real docker and podman containers (private daemons from
// test/helpers/runtimes.ts): /api/v1.2/docker by name, id and id prefix, v2 type=docker and
// type=podman lookups, aliases and namespaces in cAdvisor's shapes, the process table of a
// container, and a name that does not exist; the web UI's /docker/<name> and /podman/<id>, and
// /docker/ as the list filtered to docker's containers (by factory, then by image).
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'

import {chromiumSkipReason, launchChromium, openPage} from '../helpers/browser.js'
import {cadvisorShapeProblems} from '../helpers/cadvisor-schema.js'
import {Runtimes, runtimeSkipReason} from '../helpers/runtimes.js'
import {ServeProcess} from '../helpers/serve.js'
import {until} from '../helpers/wait.js'

const skip = runtimeSkipReason(['containerd', 'docker', 'podman'])

describe('cAdvisor REST API on docker and podman containers', {skip}, () => {
  let rt: Runtimes
  let serve: ServeProcess
  const tag = randomBytes(3).toString('hex')
  const ids = {docker: '', podman: ''}
  const dockerName = `cadv-api-docker-${tag}`
  const podmanName = `cadv-api-podman-${tag}`

  const get = async (path: string): Promise<{status: number; body: unknown}> => {
    const res = await fetch(`${serve.url}${path}`)
    return {status: res.status, body: await res.json()}
  }

  before(async () => {
    rt = new Runtimes()
    await rt.start(['containerd', 'docker', 'podman'])
    ids.docker = await rt.runDocker({name: dockerName, labels: {'cadv.test': 'api'}})
    ids.podman = await rt.runPodman({name: podmanName})
    serve = await new ServeProcess([
      ...rt.cadvFlags(),
      '--housekeeping-interval',
      '250ms',
      '--raw-cgroup-prefix-whitelist',
      rt.cgroupParent,
    ]).ready()
    await until(
      'both containers resolved',
      async () =>
        (await get(`/api/v1.2/docker/${dockerName}`)).status === 200 &&
        (await get(`/api/v2.0/spec/${podmanName}?type=podman`)).status === 200,
      60_000,
    )
  })

  after(async () => {
    await serve?.stop()
    await rt?.teardown()
  })

  test('/api/v1.2/docker: every docker container, or one by name, id or a unique id prefix, keyed by cgroup name', async () => {
    const cgroup = `${rt.cgroupParent}/docker/${ids.docker}`
    const all = (await get('/api/v1.2/docker')).body as Record<string, {aliases: string[]; namespace: string}>
    assert.deepEqual(cadvisorShapeProblems(all, 'map[string]ContainerInfo', 'v1'), [])
    assert.deepEqual(Object.keys(all), [cgroup])
    assert.deepEqual(all[cgroup]!.aliases, [dockerName, ids.docker])
    assert.equal(all[cgroup]!.namespace, 'docker')
    for (const key of [dockerName, ids.docker, ids.docker.slice(0, 12)]) {
      const one = await get(`/api/v1.3/docker/${key}`)
      assert.equal(one.status, 200, key)
      assert.deepEqual(Object.keys(one.body as object), [cgroup], key)
    }
    const spec = ((await get(`/api/v1.3/containers${cgroup}`)).body as {spec: {labels: Record<string, string>; image: string}}).spec
    assert.equal(spec.labels['cadv.test'], 'api')
    assert.match(spec.image, /cadv-busybox/)
  })

  test('v2 type=docker and type=podman: spec, stats, ps by alias; recursive only from /', async () => {
    const podmanCgroup = `${rt.cgroupParent}/libpod_parent/libpod-${ids.podman}`
    const spec = (await get(`/api/v2.0/spec/${podmanName}?type=podman`)).body as Record<string, {aliases: string[]; namespace: string}>
    assert.deepEqual(cadvisorShapeProblems(spec, 'map[string]ContainerSpec', 'v2'), [])
    assert.deepEqual(Object.keys(spec), [podmanCgroup])
    assert.equal(spec[podmanCgroup]!.namespace, 'podman')
    const stats = (await get(`/api/v2.1/stats/${ids.docker.slice(0, 10)}?type=docker&count=2`)).body
    assert.deepEqual(cadvisorShapeProblems(stats, 'map[string]ContainerInfo', 'v2'), [])
    const every = (await get('/api/v2.0/spec/?type=docker&recursive=true')).body as object
    assert.deepEqual(Object.keys(every), [`${rt.cgroupParent}/docker/${ids.docker}`])
    const ps = (await get(`/api/v2.0/ps/${dockerName}?type=docker`)).body as Array<{cmd: string; cgroup_path: string}>
    assert.deepEqual(cadvisorShapeProblems(ps, '[]ProcessInfo', 'v2'), [])
    assert.ok(ps.length >= 1 && ps.every((p) => p.cgroup_path === `${rt.cgroupParent}/docker/${ids.docker}`))
    const bad = await get(`/api/v2.0/spec/${dockerName}?type=docker&recursive=true`)
    assert.equal(bad.status, 400)
    const missing = await get('/api/v2.0/stats/no-such-name?type=docker')
    assert.equal(missing.status, 404)
    assert.match((missing.body as {error: string}).error, /unable to find container "no-such-name" in "docker" namespace/)
  })

  test(
    'web UI: /docker/<name> and /podman/<id prefix> open the container’s page with its name, image and labels; /docker/ lists docker’s',
    {skip: chromiumSkipReason()},
    async () => {
      const browser = await launchChromium()
      try {
        const cases = [
          {path: `/docker/${dockerName}`, cgroup: `${rt.cgroupParent}/docker/${ids.docker}`, name: dockerName, factory: 'docker'},
          {
            path: `/podman/${ids.podman.slice(0, 12)}`,
            cgroup: `${rt.cgroupParent}/libpod_parent/libpod-${ids.podman}`,
            name: podmanName,
            factory: 'podman',
          },
        ]
        for (const c of cases) {
          const {page, trouble} = await openPage(browser)
          await page.goto(`${serve.url}${c.path}`)
          assert.equal(page.url(), `${serve.url}/containers${c.cgroup}`, c.path)
          await until(`${c.name} in the title`, async () => (await page.textContent('h1')) === c.name)
          const facts = Object.fromEntries(
            await page.$$eval('.about dl div', (divs) =>
              divs.map((d) => [d.querySelector('dt')?.textContent, d.querySelector('dd')?.textContent]),
            ),
          )
          assert.equal(facts.Factory, c.factory)
          assert.equal(facts.Cgroup, c.cgroup)
          assert.match(facts.Image ?? '', /cadv-busybox/)
          if (c.factory === 'docker') {
            const labels = await page.$$eval('table.labels tbody tr', (trs) =>
              trs.map((tr) => [tr.children[0]?.textContent, tr.children[1]?.textContent]),
            )
            assert.ok(
              labels.some(([k, v]) => k === 'cadv.test' && v === 'api'),
              JSON.stringify(labels),
            )
          }
          await until('its charts', () => page.$('[data-chart="memory"] canvas'))
          assert.deepEqual([...trouble.console, ...trouble.errors], [])
          await page.context().close()
        }

        // /docker/ is the list filtered to docker's containers; the filter box finds by image.
        const {page, trouble} = await openPage(browser)
        await page.goto(`${serve.url}/docker/`)
        assert.equal(page.url(), `${serve.url}/containers/?filter=factory%3Adocker`)
        const aliases = () => page.$$eval('table.rows tbody tr', (trs) => trs.map((tr) => tr.children[1]?.textContent ?? ''))
        await until('the docker container alone', async () => {
          const shown = await aliases()
          return shown.includes(dockerName) && !shown.includes(podmanName)
        })
        await page.fill('#filter', 'image:cadv-busybox')
        await until('both by their image', async () => {
          const shown = await aliases()
          return shown.includes(dockerName) && shown.includes(podmanName)
        })
        await page.fill('#filter', 'factory:podman')
        await until('the podman container alone', async () => {
          const shown = await aliases()
          return shown.includes(podmanName) && !shown.includes(dockerName)
        })
        assert.deepEqual([...trouble.console, ...trouble.errors], [])
        await page.context().close()
      } finally {
        await browser.close()
      }
    },
  )
})
