/*
 * Real container runtimes for end-to-end tests, run the way Debian packages them on the CI
 * machine, but private to one test process so that parallel runs never meet:
 *
 * - one work directory (/var/tmp/cadvrt-<pid>-<rand>) holds every daemon's state, socket,
 *   pid file and log, the busybox rootfs and a hand-made docker-archive image (no registry);
 * - one cgroup parent (/cadvrt-<pid>-<rand>) holds every container: docker via
 *   --cgroup-parent …/docker, podman via --cgroup-parent …/libpod_parent, containerd via
 *   `ctr run --cgroup …/k8s.io/<id>`, runc via an absolute cgroupsPath …/runc/<id>;
 * - no network: dockerd with --bridge=none and no iptables, containers with --network none.
 *
 * teardown() removes containers, stops daemons BY PID and waits for them, unmounts what is
 * left under the work directory, removes our cgroup parent deepest first in every hierarchy,
 * then the work directory, and finally the shared runtime directories under /run (containerd's
 * shim and fifo dirs, podman's runc root) when they are empty and no other run is using them.
 * It never throws and is safe to call twice.
 */
import {execFile, execFileSync, spawn} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  rmdirSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
  closeSync,
} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {discoverCgroups} from '../../src/lib/cgroups/index.js'
import {request} from 'node:http'
import {removeTree} from './cgroups.js'
import {until} from './wait.js'

const run = promisify(execFile)

/** `cri`: containerd with its CRI plugin on, for pods made through the CRI (test/helpers/cri.ts). */
export type RuntimeName = 'containerd' | 'cri' | 'docker' | 'podman' | 'runc'

/** docker.io's CLI: another `docker` (a client without an engine) may come first on PATH. */
const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker'
const IMAGE = 'localhost/cadv-busybox:latest'

const BINARIES: Record<RuntimeName, string[]> = {
  containerd: ['containerd', 'ctr', 'runc'],
  cri: ['containerd', 'ctr', 'runc'],
  docker: ['containerd', 'dockerd', DOCKER_CLI, 'runc'],
  podman: ['podman', 'conmon', 'runc'],
  runc: ['runc'],
}

/** Directories under /run and /var the runtimes create outside our work dir. */
const SHARED_DIRS = [
  '/run/mount',
  '/run/containerd',
  '/run/docker',
  '/run/runc',
  '/run/libpod',
  '/run/podman',
  '/run/containers',
  '/run/netns',
  '/var/lib/containers',
  '/var/lib/cni',
  '/run/crun',
]

function onPath(bin: string): boolean {
  if (bin.startsWith('/')) return existsSync(bin)
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some((d) => existsSync(join(d, bin)))
}

/** Why these runtimes cannot run here, or undefined when they can. */
export function runtimeSkipReason(names: RuntimeName[]): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run container runtimes (CI runs as root)'
  const missing = [...new Set(names.flatMap((n) => BINARIES[n]).concat('busybox'))].filter((b) => !onPath(b))
  if (missing.length > 0)
    return `runtime binaries missing: ${missing.join(', ')} (apt-get install runc busybox-static containerd podman docker.io)`
  try {
    discoverCgroups()
  } catch (err) {
    return `no cgroupfs: ${(err as Error).message}`
  }
  return undefined
}

export interface RunOptions {
  name?: string
  labels?: Record<string, string>
  env?: Record<string, string>
  /** More `run` options, before the image (`--health-cmd`, `--network`). */
  args?: string[]
}

export interface DockerOptions extends RunOptions {
  /** A cgroup parent under ours (docker: `--cgroup-parent <parent>/<this>`), e.g. a kubepods pod. */
  cgroupParent?: string
}

export interface CtrOptions extends RunOptions {
  /** The cgroup under our parent, from the id (default `k8s.io/<id>`), e.g. a kubepods path. */
  cgroup?: (id: string) => string
}

interface Daemon {
  pid: number
  log: string
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // A zombie still answers kill 0; it is gone for our purposes once it stops running.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

/** Waits for a daemon; a probe that throws means "not yet". On timeout, the daemon's log tail says why. */
async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, log?: string): Promise<void> {
  await until(what, () => probe().catch(() => false), timeoutMs).catch(() => {
    const tail = log && existsSync(log) ? `\n${readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')}` : ''
    throw new Error(`${what} not ready after ${timeoutMs} ms${tail}`)
  })
}

export class Runtimes {
  /** Private work directory. */
  readonly dir: string
  /** Cgroup parent of every container we make, as a container name (`/cadvrt-1234-ab12cd`). */
  readonly cgroupParent: string
  readonly namespace = 'k8s.io'
  private readonly daemons = new Map<'containerd' | 'docker' | 'podman', Daemon>()
  private readonly sharedBefore = new Set<string>()
  private readonly made = {docker: new Set<string>(), podman: new Set<string>(), ctr: new Set<string>(), runc: new Set<string>()}
  private tornDown = false
  private imported = false
  private readonly ctrCgroups = new Map<string, string>()
  /** Run first at teardown, before containers and daemons go (CRI pods). */
  private readonly cleanups: Array<() => Promise<void>> = []
  private readonly onExit = (): void => {
    // Last resort if the test process dies without running its after hooks.
    for (const d of this.daemons.values()) {
      try {
        process.kill(d.pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
  }

  constructor() {
    const tag = `cadvrt-${process.pid}-${randomBytes(3).toString('hex')}`
    this.dir = join('/var/tmp', tag)
    this.cgroupParent = `/${tag}`
    for (const d of SHARED_DIRS) if (existsSync(d)) this.sharedBefore.add(d)
    mkdirSync(this.dir, {recursive: true})
    process.once('exit', this.onExit)
  }

  get containerdSocket(): string {
    return join(this.dir, 'containerd', 'containerd.sock')
  }
  get dockerSocket(): string {
    return join(this.dir, 'docker', 'docker.sock')
  }
  get podmanSocket(): string {
    return join(this.dir, 'podman', 'podman.sock')
  }

  /** The runtime flags that point cadv at these daemons (absent ones at a path that does not exist). */
  cadvFlags(): string[] {
    return [
      '--docker',
      `unix://${this.dockerSocket}`,
      '--podman',
      `unix://${this.podmanSocket}`,
      '--containerd',
      this.containerdSocket,
      '--containerd-namespace',
      this.namespace,
      '--crio',
      join(this.dir, 'crio-absent.sock'),
    ]
  }

  /** Starts the daemons the given runtimes need (runc needs none); builds the image first. */
  async start(names: RuntimeName[]): Promise<void> {
    this.buildImage()
    const t = Date.now()
    if (names.includes('containerd') || names.includes('docker') || names.includes('cri')) await this.startContainerd(names.includes('cri'))
    const t1 = Date.now()
    if (names.includes('docker')) await this.startDockerd()
    const t2 = Date.now()
    if (names.includes('podman')) await this.startPodman()
    if (process.env.CADV_RT_DEBUG) console.error(`runtimes: containerd ${t1 - t} ms, dockerd ${t2 - t1} ms, podman ${Date.now() - t2} ms`)
  }

  // ---- image --------------------------------------------------------------------------

  /** busybox rootfs + docker-archive tarball that docker, podman and ctr all load (no registry here). */
  private buildImage(): void {
    const rootfs = join(this.dir, 'rootfs')
    if (existsSync(join(this.dir, 'image.tar'))) return
    for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc', 'root']) mkdirSync(join(rootfs, d), {recursive: true})
    copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'))
    const applets = execFileSyncText('/bin/busybox', ['--list'])
      .split('\n')
      .filter((a) => a && a !== 'busybox')
    for (const a of applets) symlinkSync('busybox', join(rootfs, 'bin', a))
    writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
    writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\n')
    const build = join(this.dir, 'img')
    mkdirSync(build, {recursive: true})
    const layer = join(build, 'layer.tar')
    execFileSyncText('tar', ['-C', rootfs, '--numeric-owner', '-cf', layer, '.'])
    const diff = sha256(readFileSync(layer))
    const config = JSON.stringify({
      architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
      os: 'linux',
      config: {
        Env: ['PATH=/bin', 'CADV_IMAGE_ENV=1'],
        Cmd: ['/bin/sh', '-c', 'while true; do sleep 1; done'],
        Labels: {'cadv.image': 'busybox'},
      },
      rootfs: {type: 'layers', diff_ids: [`sha256:${diff}`]},
      history: [{created_by: 'cadv test harness'}],
      created: '2026-01-01T00:00:00Z',
    })
    const cfg = sha256(Buffer.from(config))
    mkdirSync(join(build, diff))
    copyFileSync(layer, join(build, diff, 'layer.tar'))
    rmSync(layer)
    writeFileSync(join(build, `${cfg}.json`), config)
    writeFileSync(join(build, 'manifest.json'), JSON.stringify([{Config: `${cfg}.json`, RepoTags: [IMAGE], Layers: [`${diff}/layer.tar`]}]))
    execFileSyncText('tar', ['-C', build, '-cf', join(this.dir, 'image.tar'), 'manifest.json', `${cfg}.json`, diff])
    rmSync(build, {recursive: true, force: true})
  }

  // ---- daemons ------------------------------------------------------------------------

  private spawnDaemon(key: 'containerd' | 'docker' | 'podman', cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Daemon {
    const log = join(this.dir, `${key}.log`)
    const fd = openSync(log, 'a')
    const child = spawn(cmd, args, {detached: true, stdio: ['ignore', fd, fd], env})
    closeSync(fd)
    child.unref()
    if (!child.pid) throw new Error(`${cmd} did not start`)
    writeFileSync(join(this.dir, `${key}.pid`), `${child.pid}\n`)
    const d = {pid: child.pid, log}
    this.daemons.set(key, d)
    return d
  }

  /**
   * containerd, with its CRI plugin only when asked (it costs start-up time and state). The CRI
   * plugin gets: the cgroupfs driver (no systemd here), our busybox image as the pod sandbox
   * image (no registry), its streaming server on loopback, empty private CNI directories (pods
   * use the host network), and oom_score_adj clamped to ours (no CAP_SYS_RESOURCE on CI).
   */
  private async startContainerd(cri = false): Promise<void> {
    if (this.daemons.has('containerd')) return
    const base = join(this.dir, 'containerd')
    mkdirSync(base, {recursive: true})
    const config = join(base, 'config.toml')
    for (const d of ['cni/bin', 'cni/conf']) mkdirSync(join(base, d), {recursive: true})
    const criConfig = [
      '  [plugins."io.containerd.grpc.v1.cri"]',
      `    sandbox_image = "${IMAGE}"`,
      '    stream_server_address = "127.0.0.1"',
      '    stream_server_port = "0"',
      '    enable_selinux = false',
      '    disable_apparmor = true',
      '    restrict_oom_score_adj = true',
      '    [plugins."io.containerd.grpc.v1.cri".containerd]',
      '      snapshotter = "overlayfs"',
      '      default_runtime_name = "runc"',
      '      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
      '        runtime_type = "io.containerd.runc.v2"',
      '        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
      '          SystemdCgroup = false',
      '    [plugins."io.containerd.grpc.v1.cri".cni]',
      `      bin_dir = "${base}/cni/bin"`,
      `      conf_dir = "${base}/cni/conf"`,
    ]
    writeFileSync(
      config,
      [
        'version = 2',
        `root = "${base}/root"`,
        `state = "${base}/state"`,
        ...(cri ? [] : ['disabled_plugins = ["io.containerd.grpc.v1.cri"]']),
        '[grpc]',
        `  address = "${this.containerdSocket}"`,
        '[ttrpc]',
        `  address = "${this.containerdSocket}.ttrpc"`,
        '[debug]',
        '  address = ""',
        '[plugins]',
        '  [plugins."io.containerd.internal.v1.opt"]',
        `    path = "${base}/opt"`,
        ...(cri ? criConfig : []),
        '',
      ].join('\n'),
    )
    const d = this.spawnDaemon('containerd', 'containerd', ['--config', config, '--log-level', 'warn'])
    await waitFor('containerd', async () => (await this.ctr(['version'])).length > 0, 20_000, d.log)
  }

  private async startDockerd(): Promise<void> {
    if (this.daemons.has('docker')) return
    const base = join(this.dir, 'docker')
    mkdirSync(join(base, 'cli'), {recursive: true})
    writeFileSync(join(base, 'daemon.json'), '{}\n')
    const d = this.spawnDaemon('docker', 'dockerd', [
      '--config-file',
      join(base, 'daemon.json'),
      '--data-root',
      join(base, 'data'),
      '--exec-root',
      join(base, 'exec'),
      '--pidfile',
      join(base, 'dockerd.pid'),
      '--host',
      `unix://${this.dockerSocket}`,
      '--containerd',
      this.containerdSocket,
      '--iptables=false',
      '--ip-forward=false',
      '--ip-masq=false',
      '--bridge=none',
      '--exec-opt',
      'native.cgroupdriver=cgroupfs',
      '--cgroup-parent',
      `${this.cgroupParent}/docker`,
      '--storage-driver',
      'overlay2',
    ])
    await waitFor('dockerd', () => ping(this.dockerSocket), 60_000, d.log)
    await this.docker(['load', '-i', join(this.dir, 'image.tar')])
  }

  private podmanGlobal(): string[] {
    const base = join(this.dir, 'podman')
    return [
      '--root',
      join(base, 'root'),
      '--runroot',
      join(base, 'runroot'),
      '--tmpdir',
      join(base, 'tmp'),
      '--cgroup-manager',
      'cgroupfs',
      '--events-backend',
      'file',
    ]
  }

  private podmanEnv(): NodeJS.ProcessEnv {
    return {...process.env, CONTAINERS_CONF: join(this.dir, 'podman', 'containers.conf')}
  }

  private async startPodman(): Promise<void> {
    if (this.daemons.has('podman')) return
    const base = join(this.dir, 'podman')
    mkdirSync(join(base, 'net'), {recursive: true})
    writeFileSync(
      join(base, 'containers.conf'),
      [
        '[containers]',
        "# no CAP_SYS_RESOURCE on the CI machine: podman's default nofile=1048576 would fail in runc",
        'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
        'netns = "none"',
        '[network]',
        `network_config_dir = "${base}/net"`,
        '[engine]',
        'cgroup_manager = "cgroupfs"',
        'events_logger = "file"',
        `events_logfile_path = "${base}/events.log"`,
        '',
      ].join('\n'),
    )
    await this.podman(['load', '-i', join(this.dir, 'image.tar')])
    const d = this.spawnDaemon(
      'podman',
      'podman',
      [...this.podmanGlobal(), 'system', 'service', '--time=0', `unix://${this.podmanSocket}`],
      this.podmanEnv(),
    )
    await waitFor('podman service', () => ping(this.podmanSocket), 30_000, d.log)
  }

  // ---- CLIs ---------------------------------------------------------------------------

  async ctr(args: string[]): Promise<string> {
    const {stdout} = await run('ctr', ['--address', this.containerdSocket, ...args], {timeout: 60_000})
    return stdout
  }

  async docker(args: string[]): Promise<string> {
    const {stdout} = await run(DOCKER_CLI, ['-H', `unix://${this.dockerSocket}`, ...args], {
      timeout: 60_000,
      env: {...process.env, DOCKER_CONFIG: join(this.dir, 'docker', 'cli')},
    })
    return stdout
  }

  async podman(args: string[]): Promise<string> {
    const {stdout} = await run('podman', [...this.podmanGlobal(), ...args], {timeout: 60_000, env: this.podmanEnv()})
    return stdout
  }

  // ---- containers ---------------------------------------------------------------------

  private static flags(o: RunOptions): string[] {
    return [
      ...Object.entries(o.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      ...Object.entries(o.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      ...(o.args ?? []),
    ]
  }

  /** `docker run -d`; returns the 64-hex id. Its cgroup: `<parent>/docker/<id>` (or `<parent>/<o.cgroupParent>/<id>`). */
  async runDocker(o: DockerOptions = {}): Promise<string> {
    const parent = o.cgroupParent ? ['--cgroup-parent', `${this.cgroupParent}/${o.cgroupParent}`] : []
    const id = (
      await this.docker(['run', '-d', '--network', 'none', ...parent, ...(o.name ? ['--name', o.name] : []), ...Runtimes.flags(o), IMAGE])
    ).trim()
    this.made.docker.add(id)
    return id
  }

  async removeDocker(id: string): Promise<void> {
    await this.docker(['rm', '-f', id])
    this.made.docker.delete(id)
  }

  /** `podman run -d`; its cgroup: `<parent>/libpod_parent/libpod-<id>` (conmon beside it in `conmon`). */
  async runPodman(o: RunOptions = {}): Promise<string> {
    const id = (
      await this.podman([
        'run',
        '-d',
        '--network',
        'none',
        '--cgroup-parent',
        `${this.cgroupParent}/libpod_parent`,
        ...(o.name ? ['--name', o.name] : []),
        ...Runtimes.flags(o),
        IMAGE,
      ])
    ).trim()
    this.made.podman.add(id)
    return id
  }

  /**
   * `podman run -d` of any image with the given run options and command (under our cgroup
   * parent, removed at teardown like the others); returns the 64-hex id.
   */
  async runPodmanImage(image: string, options: string[], command: string[] = []): Promise<string> {
    const id = (
      await this.podman(['run', '-d', '--cgroup-parent', `${this.cgroupParent}/libpod_parent`, ...options, image, ...command])
    ).trim()
    this.made.podman.add(id)
    return id
  }

  async removePodman(id: string): Promise<void> {
    await this.podman(['rm', '-f', '-t', '0', id])
    this.made.podman.delete(id)
  }

  /** The busybox image in containerd's k8s.io namespace, where the CRI plugin finds it too. Returns its name. */
  async importImage(): Promise<string> {
    if (!this.imported) {
      await this.ctr(['-n', this.namespace, 'images', 'import', join(this.dir, 'image.tar')])
      this.imported = true
    }
    return IMAGE
  }

  /** Something to undo first at teardown, while the daemons still run (CRI pods). */
  addCleanup(fn: () => Promise<void>): void {
    this.cleanups.push(fn)
  }

  /** `ctr run -d` in our namespace with the cgroup `<parent>/k8s.io/<id>` (or o.cgroup); returns the 64-hex id. */
  async runCtr(o: CtrOptions = {}): Promise<string> {
    const id = hexId()
    await this.importImage()
    this.made.ctr.add(id)
    const cgroup = o.cgroup ? `${this.cgroupParent}/${o.cgroup(id)}` : this.ctrCgroup(id)
    this.ctrCgroups.set(id, cgroup)
    await this.ctr(['-n', this.namespace, 'run', '-d', '--cgroup', cgroup, ...Runtimes.flags(o), IMAGE, id])
    return id
  }

  /** The cgroup name of a container started with runCtr. */
  ctrCgroup(id: string): string {
    return this.ctrCgroups.get(id) ?? `${this.cgroupParent}/${this.namespace}/${id}`
  }

  async removeCtr(id: string): Promise<void> {
    await this.ctr(['-n', this.namespace, 'task', 'kill', '-s', 'SIGKILL', id]).catch(() => '')
    for (let i = 0; i < 50; i++) {
      const ok = await this.ctr(['-n', this.namespace, 'task', 'rm', id]).then(
        () => true,
        (e: Error) => /not found/i.test(e.message),
      )
      if (ok) break
      await sleep(100)
    }
    await this.ctr(['-n', this.namespace, 'containers', 'rm', id]).catch(() => '')
    this.made.ctr.delete(id)
  }

  /**
   * runc with an absolute cgroupsPath `<parent>/runc/<id>`, or `<parent>/<cgroup(id)>` (no
   * daemon knows it, so no runtime factory claims it; a literal systemd-style path imitates
   * what the systemd driver would make, which cannot run here).
   */
  async runRunc(cgroup?: (id: string) => string): Promise<string> {
    const id = hexId()
    const bundle = join(this.dir, `bundle-${id.slice(0, 12)}`)
    mkdirSync(bundle, {recursive: true})
    if (!existsSync(join(this.dir, 'runc-spec.json'))) {
      await run('runc', ['spec', '--bundle', this.dir])
      copyFileSync(join(this.dir, 'config.json'), join(this.dir, 'runc-spec.json'))
      rmSync(join(this.dir, 'config.json'))
    }
    const spec = JSON.parse(readFileSync(join(this.dir, 'runc-spec.json'), 'utf8')) as {
      process: {terminal: boolean; args: string[]; env: string[]}
      root: {path: string; readonly?: boolean}
      linux: {cgroupsPath?: string}
    }
    spec.process.terminal = false
    spec.process.args = ['sh', '-c', 'while true; do sleep 1; done']
    spec.process.env = ['PATH=/bin']
    spec.root = {path: join(this.dir, 'rootfs'), readonly: true}
    spec.linux.cgroupsPath = `${this.cgroupParent}/${cgroup ? cgroup(id) : `runc/${id}`}`
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec))
    this.made.runc.add(id)
    // The container inherits runc's stdio: give it none, or a pipe would stay open until it dies.
    const err = join(this.dir, 'runc.err')
    const fd = openSync(err, 'a')
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('runc', ['--root', join(this.dir, 'runc'), 'run', '-d', '--bundle', bundle, id], {
        stdio: ['ignore', 'ignore', fd],
      })
      child.on('error', reject)
      child.on('exit', resolve)
    }).finally(() => closeSync(fd))
    if (code !== 0) throw new Error(`runc run ${id} exited ${code}: ${readFileSync(err, 'utf8').trim().split('\n').pop()}`)
    return id
  }

  async removeRunc(id: string): Promise<void> {
    await run('runc', ['--root', join(this.dir, 'runc'), 'kill', id, 'KILL']).catch(() => undefined)
    for (let i = 0; i < 50; i++) {
      const ok = await run('runc', ['--root', join(this.dir, 'runc'), 'delete', '-f', id]).then(
        () => true,
        () => false,
      )
      if (ok) break
      await sleep(100)
    }
    this.made.runc.delete(id)
  }

  // ---- teardown -----------------------------------------------------------------------

  async teardown(): Promise<void> {
    if (this.tornDown) return
    this.tornDown = true
    const problems: string[] = []
    const attempt = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn()
      } catch (err) {
        problems.push(`${what}: ${(err as Error).message.split('\n')[0]}`)
      }
    }
    // 1. containers
    for (const fn of this.cleanups.splice(0)) await attempt('cleanup', fn)
    for (const id of [...this.made.runc]) await attempt(`runc ${id}`, () => this.removeRunc(id))
    for (const id of [...this.made.podman]) await attempt(`podman ${id}`, () => this.removePodman(id))
    for (const id of [...this.made.docker]) await attempt(`docker ${id}`, () => this.removeDocker(id))
    for (const id of [...this.made.ctr]) await attempt(`ctr ${id}`, () => this.removeCtr(id))
    // 2. daemons by pid, podman and docker before the containerd they use
    for (const key of ['podman', 'docker', 'containerd'] as const) {
      const d = this.daemons.get(key)
      if (d) await attempt(`stop ${key}`, () => stopPid(d.pid))
    }
    process.off('exit', this.onExit)
    // 3. mounts left under our directory (podman's storage binds its overlay dir onto itself)
    await attempt('unmount', () => unmountUnder(this.dir))
    // 4. our cgroup parent, deepest first, in every hierarchy
    await attempt('cgroups', () => removeCgroupParent(this.cgroupParent))
    // 5. state: our directory, then shared runtime directories we caused, only when empty
    await attempt('work dir', async () => rmSync(this.dir, {recursive: true, force: true}))
    // Runs in parallel (several worktrees' `npm test`) share these directories, so the one that
    // created a directory may not be the last to leave it: the last run out (no other
    // cadvrt-* work directory left) removes every empty one; only empty ones, never files.
    const others = readdirSync('/var/tmp').some((e) => e.startsWith('cadvrt-') && join('/var/tmp', e) !== this.dir)
    for (const d of SHARED_DIRS) if (!others || !this.sharedBefore.has(d)) removeEmptyTree(d)
    if (problems.length > 0) process.stderr.write(`runtimes teardown: ${problems.join('; ')}\n`)
  }
}

function execFileSyncText(cmd: string, args: string[]): string {
  // Synchronous on purpose: the image build is a short, ordered sequence of tar calls.
  return execFileSync(cmd, args, {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
}

/** `GET /_ping` on an Engine API socket answers 200 "OK" once the daemon serves requests. */
function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({socketPath, path: '/_ping', timeout: 1000}, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

export function hexId(): string {
  return randomBytes(32).toString('hex')
}

async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return
  const gone = (): boolean => !alive(pid)
  process.kill(pid, 'SIGTERM')
  if (await until(`pid ${pid} to exit`, gone, 15_000).catch(() => false)) return
  process.kill(pid, 'SIGKILL')
  await until(`pid ${pid} to exit after SIGKILL`, gone, 5_000)
}

async function unmountUnder(dir: string): Promise<void> {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p && (p === dir || p.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length)
  for (const p of points) await run('umount', [p]).catch(() => run('umount', ['-l', p]))
}

async function removeCgroupParent(name: string): Promise<void> {
  const layout = discoverCgroups()
  for (let i = 0; i < 50; i++) {
    let left = 0
    for (const h of layout.hierarchies) {
      try {
        removeTree(join(h.mountPoint, name))
      } catch {
        left++
      }
    }
    if (left === 0) return
    await sleep(100)
  }
  throw new Error(`could not remove cgroup ${name}`)
}

/** rmdir of a directory tree that holds only empty directories; anything else is left alone. */
function removeEmptyTree(dir: string): void {
  let entries
  try {
    entries = readdirSync(dir, {withFileTypes: true})
  } catch {
    return
  }
  for (const e of entries) if (e.isDirectory()) removeEmptyTree(join(dir, e.name))
  try {
    rmdirSync(dir)
  } catch {
    // not empty: someone else's, or holds files we must not touch
  }
}
