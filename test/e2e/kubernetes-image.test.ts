// cadv's container image: built here from local files (deploy/Containerfile via
// scripts/build-image.mjs, no registry), then run the way deploy/kubernetes runs it: the
// DaemonSet's arguments, its host paths mounted read-only, a read-only root filesystem, every
// capability dropped, no privilege escalation. From inside, cadv must list the host's docker,
// podman and containerd containers by name and serve /metrics and /healthz.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parse} from 'yaml'

import {parseExposition, samples} from '../helpers/exposition.js'
import {freePort} from '../helpers/prometheus.js'
import {Runtimes, runtimeSkipReason} from '../helpers/runtimes.js'
import {until} from '../helpers/wait.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const skip = runtimeSkipReason(['containerd', 'docker', 'podman'])
const IMAGE = 'localhost/cadv:e2e'

interface Container {
  args: string[]
  volumeMounts: Array<{name: string; mountPath: string; readOnly: boolean}>
  securityContext: {runAsUser: number; readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean; capabilities: {drop: string[]}}
}

const daemonSet = parse(readFileSync(join(ROOT, 'deploy/kubernetes/base/daemonset.yaml'), 'utf8')) as {
  spec: {template: {spec: {containers: Container[]; volumes: Array<{name: string; hostPath: {path: string}}>}}}
}
const pod = daemonSet.spec.template.spec
const spec = pod.containers[0]!

let rt: Runtimes
let url: string
let names: {docker: string; podman: string; ctr: string}

/**
 * `podman run` options that reproduce the DaemonSet's pod: mounts and security context;
 * `user` replaces its user (overlays/non-root).
 */
function runOptions(user?: string[]): {options: string[]; missing: string[]} {
  const hostPaths = new Map(pod.volumes.map((v) => [v.name, v.hostPath.path]))
  const options: string[] = []
  const missing: string[] = []
  for (const m of spec.volumeMounts) {
    const host = hostPaths.get(m.name)!
    // The kubelet would create a missing directory; these tests do not write to the host.
    if (!existsSync(host)) {
      missing.push(host)
      continue
    }
    options.push('-v', `${host}:${m.mountPath}:${m.readOnly ? 'ro' : 'rw'}`)
  }
  const sc = spec.securityContext
  options.push(...(user ?? ['--user', `${sc.runAsUser}:${sc.runAsUser}`]))
  if (sc.readOnlyRootFilesystem) options.push('--read-only')
  if (!sc.allowPrivilegeEscalation) options.push('--security-opt', 'no-new-privileges')
  for (const c of sc.capabilities.drop) options.push('--cap-drop', c)
  // The pod network is the host's loopback here: nothing else is ours to use.
  options.push('--network', 'host')
  return {options, missing}
}

before(async () => {
  if (skip) return
  rt = new Runtimes()
  await rt.start(['containerd', 'docker', 'podman'])
  const context = join(rt.dir, 'image')
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-image.mjs'), '--context-only', context])
  await rt.podman(['build', '-q', '-f', join(context, 'Containerfile'), '-t', IMAGE, context])
  const tag = rt.cgroupParent.slice(1)
  await rt.runDocker({name: `${tag}-docker`})
  await rt.runPodman({name: `${tag}-podman`})
  names = {docker: `${tag}-docker`, podman: `${tag}-podman`, ctr: await rt.runCtr()}
  url = await startCadv('cadv')
})

/**
 * The image with the DaemonSet's arguments; the listen address and the runtime endpoints point
 * at this test's private daemons, seen through the host's root mounted at /rootfs. Its URL.
 */
async function startCadv(suffix: string, user?: string[]): Promise<string> {
  const port = await freePort()
  const args = spec.args.map((a) => (a.startsWith('--listen=') ? `--listen=127.0.0.1:${port}` : a))
  const flags = rt.cadvFlags()
  const at = (flag: string, prefix = ''): string => {
    const v = flags[flags.indexOf(flag) + 1]!
    return v.startsWith('unix://') ? `unix:///rootfs${v.slice('unix://'.length)}` : `${prefix}/rootfs${v}`
  }
  args.push(
    '--docker',
    at('--docker'),
    '--podman',
    at('--podman'),
    '--containerd',
    at('--containerd'),
    '--containerd-namespace',
    rt.namespace,
  )
  args.push(`--raw-cgroup-prefix-whitelist=${rt.cgroupParent}`)
  const name = `${rt.cgroupParent.slice(1)}-${suffix}`
  await rt.runPodmanImage(IMAGE, ['--name', name, '--log-driver', 'k8s-file', ...runOptions(user).options], args)
  return `http://127.0.0.1:${port}`
}

type Listed = {name: string; factory: string | null; aliases: string[]}

/** /api/v1/containers of the cadv at `base` once every [factory, name] of `want` is listed. */
function listed(base: string, suffix: string, want: string[][]): Promise<Listed[]> {
  return until(
    `${want.map((w) => w[0]).join(', ')} containers in /api/v1/containers`,
    async () => {
      const list = (await fetch(`${base}/api/v1/containers`).then(
        (r) => r.json(),
        () => [],
      )) as Listed[]
      const found = want.map(([factory, name]) => list.find((c) => c.factory === factory && c.aliases[0] === name))
      return found.every(Boolean) ? list : undefined
    },
    60_000,
  ).catch(async (err: Error) => {
    const logs = await rt.podman(['logs', `${rt.cgroupParent.slice(1)}-${suffix}`]).catch((e: Error) => e.message)
    throw new Error(`${err.message}; cadv said: ${logs.trim().split('\n').slice(-3).join(' | ')}`)
  })
}

after(async () => {
  if (skip) return
  await rt?.teardown()
})

describe('the container image, run as the DaemonSet runs it', {skip}, () => {
  test('it builds from local files, small, running as nobody unless told otherwise', async () => {
    const [info] = JSON.parse(await rt.podman(['image', 'inspect', IMAGE])) as Array<{Size: number; Config: {User: string}}>
    assert.equal(info!.Config.User, '65534:65534')
    assert.ok(info!.Size < 200e6, `image is ${(info!.Size / 1e6).toFixed(0)} MB`)
    // Under the run's own cgroup parent: podman's default (/libpod_parent, conmon in it) outlives the test.
    const version = await rt.podman([
      'run',
      '--rm',
      '--network',
      'none',
      '--cgroup-parent',
      `${rt.cgroupParent}/libpod_parent`,
      IMAGE,
      '--version',
    ])
    assert.match(version, /^cadv \d+\.\d+\.\d+ \(node v[\d.]+, linux-/)
  })

  test("from inside it, cadv lists the host's runtime containers by name", async () => {
    const list = await listed(url, 'cadv', [
      ['docker', names.docker],
      ['podman', names.podman],
      ['containerd', names.ctr],
    ])
    assert.ok(list.length >= 3)
  })

  test('it serves /metrics with those names, /metrics/cadvisor with the kubelet labels, and /healthz', async () => {
    const fams = parseExposition(await (await fetch(`${url}/metrics`)).text(), 'prometheus')
    const byName = new Set(samples(fams, 'container_memory_usage_bytes').map((s) => s.labels.name))
    for (const n of Object.values(names)) assert.ok(byName.has(n), `${n} in /metrics`)
    const kubelet = samples(
      parseExposition(await (await fetch(`${url}/metrics/cadvisor`)).text(), 'prometheus'),
      'container_memory_usage_bytes',
      {
        name: names.docker,
      },
    )
    assert.deepEqual(Object.keys(kubelet[0]!.labels), ['id', 'name', 'image', 'namespace', 'pod', 'container'])
    const health = await fetch(`${url}/healthz`)
    assert.equal(health.status, 200)
  })

  test("overlays/non-root: as nobody with the sockets' groups, it still reaches containerd (root group) and docker", async () => {
    // containerd's socket is root's group's (srw-rw---- root root), docker's the docker group's.
    const groups = [...new Set([0, statSync(rt.dockerSocket).gid])].flatMap((g) => ['--group-add', String(g)])
    const nobody = await startCadv('cadv-nobody', ['--user', '65534:65534', ...groups])
    await listed(nobody, 'cadv-nobody', [
      ['docker', names.docker],
      ['containerd', names.ctr],
    ])
  })
})
