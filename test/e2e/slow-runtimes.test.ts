// Runtimes made slow on purpose: a proxy socket in front of dockerd, podman's API service and
// containerd holds the first connections past cadv's timeout, then answers. A container is
// never shown without its name meanwhile: `/metrics` has no series of it until it has its name,
// and gets it within seconds; `cadv stats --once --json` and `cadv watch --once --resolve` wait
// for the answer and list it by name, exit 0.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import {runCli} from '../helpers/cli.js'
import {parseExposition} from '../helpers/exposition.js'
import {Runtimes, runtimeSkipReason} from '../helpers/runtimes.js'
import {ServeProcess} from '../helpers/serve.js'
import {startSlowSocket, type SlowSocket} from '../helpers/slow-socket.js'
import {until} from '../helpers/wait.js'

const skip = runtimeSkipReason(['containerd', 'docker', 'podman'])

/** Every connection within 3 s of a proxy's first is held 3 s more: far past the 500 ms timeout below. */
const HOLD_MS = 3000
const TIMEOUT = '500ms'

describe('slow runtimes', {skip}, () => {
  let rt: Runtimes
  const tag = randomBytes(3).toString('hex')
  const ids = {docker: '', podman: '', ctr: ''}
  const names = () => ({
    docker: `${rt.cgroupParent}/docker/${ids.docker}`,
    podman: `${rt.cgroupParent}/libpod_parent/libpod-${ids.podman}`,
    ctr: rt.ctrCgroup(ids.ctr),
  })
  /** The `name` label (and alias) each should get: docker's and podman's container names, containerd's id. */
  const expected = () => ({docker: `cadv-slow-d-${tag}`, podman: `cadv-slow-p-${tag}`, ctr: ids.ctr})

  before(async () => {
    rt = new Runtimes()
    await rt.start(['containerd', 'docker', 'podman'])
    ids.docker = await rt.runDocker({name: `cadv-slow-d-${tag}`})
    ids.podman = await rt.runPodman({name: `cadv-slow-p-${tag}`})
    ids.ctr = await rt.runCtr()
  })

  after(async () => {
    await rt?.teardown()
  })

  /** Proxies in front of the three daemons, fresh (their first connections are the held ones). */
  async function slowDaemons(): Promise<{flags: string[]; proxies: Record<'docker' | 'podman' | 'containerd', SlowSocket>}> {
    const n = randomBytes(2).toString('hex')
    const proxies = {
      docker: await startSlowSocket(join(rt.dir, `slow-docker-${n}.sock`), rt.dockerSocket, HOLD_MS),
      podman: await startSlowSocket(join(rt.dir, `slow-podman-${n}.sock`), rt.podmanSocket, HOLD_MS),
      containerd: await startSlowSocket(join(rt.dir, `slow-containerd-${n}.sock`), rt.containerdSocket, HOLD_MS),
    }
    const flags = rt.cadvFlags()
    flags[flags.indexOf('--docker') + 1] = `unix://${proxies.docker.path}`
    flags[flags.indexOf('--podman') + 1] = `unix://${proxies.podman.path}`
    flags[flags.indexOf('--containerd') + 1] = proxies.containerd.path
    for (const r of ['docker', 'podman', 'containerd']) flags.push(`--${r}-timeout`, TIMEOUT)
    return {flags, proxies}
  }

  async function closeAll(proxies: Record<string, SlowSocket>): Promise<void> {
    for (const p of Object.values(proxies)) await p.close()
  }

  test('cadv serve: no series of a container before it has its name, and the name within seconds', async () => {
    const {flags, proxies} = await slowDaemons()
    // Only our cgroups: raw cgroups elsewhere on a shared machine are not this test's business.
    const serve = await new ServeProcess([
      ...flags,
      '--raw-cgroup-prefix-whitelist',
      rt.cgroupParent,
      '--housekeeping-interval',
      '200ms',
      '--no-allow-dynamic-housekeeping',
    ]).ready()
    try {
      const n = names()
      const want = expected()
      const unnamed: string[] = []
      let scrapes = 0
      await until(
        'every container named in /metrics',
        async () => {
          const text = await (await fetch(`${serve.url}/metrics`)).text()
          scrapes++
          const fams = parseExposition(text, 'prometheus')
          const series = fams.get('container_cpu_usage_seconds_total')?.samples ?? []
          const named: Record<string, string | undefined> = {}
          for (const key of ['docker', 'podman', 'ctr'] as const) {
            const s = series.find((x) => x.labels.id === n[key])
            if (s && s.labels.name !== want[key]) unnamed.push(`${key}: name=${JSON.stringify(s.labels.name)}`)
            named[key] = s?.labels.name
          }
          return named.docker === want.docker && named.podman === want.podman && named.ctr === want.ctr
        },
        {timeoutMs: 60_000, everyMs: 100, detail: () => serve.stderr},
      )
      assert.deepEqual(unnamed.slice(0, 5), [], `a container was shown without its name (${scrapes} scrapes)`)
      // The slow path was taken: the first connections were held, and the lookups they failed are counted.
      for (const p of Object.values(proxies)) assert.ok(p.held > 0, `${p.path}: nothing held`)
      const self = parseExposition(await (await fetch(`${serve.url}/metrics`)).text(), 'prometheus')
      const failures = self.get('cadv_runtime_lookup_failures_total')?.samples ?? []
      assert.ok(
        failures.some((s) => s.labels.factory === 'docker' && s.value > 0),
        JSON.stringify(failures),
      )
      assert.equal(self.get('cadv_containers_pending')?.samples[0]?.value, 0)
    } finally {
      await serve.stop()
      await closeAll(proxies)
    }
  })

  test('cadv stats --once --json waits for the answers and lists each container by name', async () => {
    const {flags, proxies} = await slowDaemons()
    try {
      const r = await runCli(['stats', '--json', '--all', '--interval', '300ms', '--filter', `prefix=${rt.cgroupParent}`, ...flags], {
        timeoutMs: 90_000,
      })
      assert.equal(r.code, 0, r.stderr.slice(0, 500))
      const rows = (JSON.parse(r.stdout) as {containers: Array<{name: string; container: string; factory: string; pending?: string}>})
        .containers
      const n = names()
      const want = expected()
      const got = (key: 'docker' | 'podman' | 'ctr') => {
        const row = rows.find((x) => x.name === n[key])
        return row && [row.container, row.factory, row.pending]
      }
      assert.deepEqual(got('docker'), [want.docker, 'docker', undefined])
      assert.deepEqual(got('podman'), [want.podman, 'podman', undefined])
      assert.deepEqual(got('ctr'), [want.ctr, 'containerd', undefined])
      for (const p of Object.values(proxies)) assert.ok(p.held > 0, `${p.path}: nothing held`)
    } finally {
      await closeAll(proxies)
    }
  })

  test('cadv watch --once --resolve waits for the answers; each add carries its name', async () => {
    const {flags, proxies} = await slowDaemons()
    try {
      const r = await runCli(['watch', '--once', '--resolve', '--prefix', rt.cgroupParent, ...flags], {timeoutMs: 90_000})
      assert.equal(r.code, 0, r.stderr.slice(0, 500))
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as {name: string; factory?: string; alias?: string})
      const n = names()
      const want = expected()
      for (const key of ['docker', 'podman', 'ctr'] as const) {
        const l = lines.find((x) => x.name === n[key])
        assert.equal(l?.alias, want[key], key)
      }
    } finally {
      await closeAll(proxies)
    }
  })

  test('a runtime that never answers: --once names what is left after --runtime-wait and exits 3', async () => {
    // containerd is reached through a proxy that holds everything for far longer than the wait.
    const n = randomBytes(2).toString('hex')
    const stuck = await startSlowSocket(join(rt.dir, `stuck-${n}.sock`), rt.containerdSocket, 600_000)
    const flags = rt.cadvFlags()
    flags[flags.indexOf('--containerd') + 1] = stuck.path
    try {
      const r = await runCli(
        ['watch', '--once', '--resolve', '--prefix', rt.cgroupParent, '--containerd-timeout', TIMEOUT, '--runtime-wait', '2s', ...flags],
        {timeoutMs: 90_000},
      )
      assert.equal(r.code, 3, r.stderr.slice(0, 500))
      const ctr = names().ctr
      const line = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as {name: string; factory?: string; id?: string; alias?: string})
        .find((l) => l.name === ctr)
      assert.deepEqual([line?.factory, line?.id, line?.alias], ['containerd', ids.ctr, ids.ctr], 'from its name alone')
      assert.match(r.stderr, new RegExp(`${ctr}: containerd did not answer within 2 s`))
      assert.match(r.stderr, /1 container without its runtime's answer/)
    } finally {
      await stuck.close()
    }
  })
})
