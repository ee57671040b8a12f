// deploy/kubernetes, validated offline as a client would before applying it: every object
// against the Kubernetes API schemas (kubernetes-models' validators, compiled in), every field
// name against the API's TypeScript types (misspelt fields, which the schemas let through),
// every kustomization built with `kubectl kustomize` (no cluster needed), and by hand what only
// the API server or the controllers would notice (selectors, references, names, probes, the
// flags cadv accepts).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parseAllDocuments} from 'yaml'

import Serve from '../../../src/commands/serve.js'
import {CadvCommand} from '../../../src/lib/cli/index.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DEPLOY = join(ROOT, 'deploy/kubernetes')
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}).version

// Manifests are untyped YAML; the assertions below give them their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any
type Obj = {apiVersion: string; kind: string; metadata: {name: string; namespace?: string; labels?: Record<string, string>}} & Record<
  string,
  Yaml
>
interface Doc {
  file: string
  role: 'object' | 'patch' | 'kustomization'
  doc: Obj
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((e) => {
      const p = join(dir, e)
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e) ? [p] : []
    })
    .sort()
}

function parse(text: string, file: string): Obj[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`)
    return d.toJS() as Obj
  })
}

function load(): Doc[] {
  const files = yamlFiles(DEPLOY)
  const patches = new Set<string>()
  for (const f of files.filter((f) => f.endsWith('kustomization.yaml'))) {
    const k = parse(readFileSync(f, 'utf8'), f)[0]!
    for (const p of (k.patchesStrategicMerge as string[] | undefined) ?? []) patches.add(join(dirname(f), p))
  }
  return files.flatMap((file) =>
    parse(readFileSync(file, 'utf8'), file).map((doc) => ({
      file: relative(DEPLOY, file),
      doc,
      role: file.endsWith('kustomization.yaml') ? ('kustomization' as const) : patches.has(file) ? ('patch' as const) : ('object' as const),
    })),
  )
}

/** The kinds deploy/ may hold, with the module and type name of their validator. Anything else is an error. */
const KINDS: Record<string, {module: string; type: string}> = {
  'v1/Namespace': {module: 'kubernetes-models/v1', type: 'INamespace'},
  'v1/ServiceAccount': {module: 'kubernetes-models/v1', type: 'IServiceAccount'},
  'v1/Service': {module: 'kubernetes-models/v1', type: 'IService'},
  'apps/v1/DaemonSet': {module: 'kubernetes-models/apps/v1', type: 'IDaemonSet'},
  'monitoring.coreos.com/v1/ServiceMonitor': {
    module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
    type: 'IServiceMonitor',
  },
  'monitoring.coreos.com/v1/PodMonitor': {module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', type: 'IPodMonitor'},
}

async function validate(doc: Obj): Promise<void> {
  const k = KINDS[`${doc.apiVersion}/${doc.kind}`]
  if (!k) throw new Error(`${doc.apiVersion} ${doc.kind} is not a kind deploy/ should hold`)
  const mod = (await import(k.module)) as Record<string, new (d: unknown) => {validate(): void}>
  new mod[doc.kind]!(doc).validate()
}

const docs = load()
const objects = docs.filter((d) => d.role === 'object')
const one = (kind: string): Obj => {
  const found = objects.filter((d) => d.doc.kind === kind)
  assert.equal(found.length, 1, `one ${kind}`)
  return found[0]!.doc
}

test('every object passes the Kubernetes API schemas (types, required fields, enums, quantities)', async () => {
  assert.deepEqual(objects.map((d) => `${d.file}: ${d.doc.kind}`).sort(), [
    'base/daemonset.yaml: DaemonSet',
    'base/namespace.yaml: Namespace',
    'base/service.yaml: Service',
    'base/serviceaccount.yaml: ServiceAccount',
    'prometheus-operator/podmonitor.yaml: PodMonitor',
    'prometheus-operator/servicemonitor.yaml: ServiceMonitor',
  ])
  for (const d of objects) await validate(d.doc).catch((err: Error) => assert.fail(`${d.file}: ${err.message}`))
  // The check bites: a port given as a string is refused.
  const broken = structuredClone(one('DaemonSet'))
  broken.spec.template.spec.containers[0].ports[0].containerPort = '8080'
  await assert.rejects(validate(broken))
})

/** Each manifest as a TypeScript constant that `satisfies` its API type (patches: a deep partial of it). */
function typeCheckSource(list: Doc[]): string {
  const imports = new Map<string, Set<string>>()
  const lines: string[] = []
  list.forEach((d, i) => {
    const k = KINDS[`${d.doc.apiVersion}/${d.doc.kind}`]!
    const types = imports.get(k.module) ?? new Set<string>()
    types.add(k.type)
    imports.set(k.module, types)
    const type = d.role === 'patch' ? `DeepPartial<${k.type}>` : k.type
    lines.push(`// ${d.file}\nexport const d${i} = ${JSON.stringify(d.doc, null, 2)} satisfies ${type}`)
  })
  return [
    ...[...imports].map(([m, t]) => `import type {${[...t].join(', ')}} from '${m}'`),
    'type DeepPartial<T> = T extends object ? {[K in keyof T]?: DeepPartial<T[K]>} : T',
    ...lines,
  ].join('\n')
}

function tsc(source: string): {ok: boolean; output: string} {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-manifests-'))
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n')
    writeFileSync(join(dir, 'manifests.ts'), source)
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        join(dir, 'manifests.ts'),
      ],
      {encoding: 'utf8'},
    )
    return {ok: r.status === 0, output: `${r.stdout}${r.stderr}`}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

test('every field name is one the API knows (TypeScript excess-property checks catch misspellings)', () => {
  const list = docs.filter((d) => d.role !== 'kustomization')
  const r = tsc(typeCheckSource(list))
  assert.ok(r.ok, r.output.split('\n').slice(0, 5).join('\n'))
  // The check bites: a misspelt field the schemas accept is refused.
  const broken = structuredClone(list.find((d) => d.doc.kind === 'DaemonSet')!)
  broken.doc.spec.template.spec.serviceAcountName = 'cadv'
  const bad = tsc(typeCheckSource([broken]))
  assert.equal(bad.ok, false)
  assert.match(bad.output, /serviceAcountName/)
})

const KUSTOMIZE_V2_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'bases',
  'patchesStrategicMerge',
  'images',
  'commonLabels',
])

test('kustomizations use kustomize v2 fields only and name files that exist', () => {
  const ks = docs.filter((d) => d.role === 'kustomization')
  assert.deepEqual(ks.map((k) => k.file).sort(), [
    'base/kustomization.yaml',
    'overlays/non-root/kustomization.yaml',
    'overlays/oom-events/kustomization.yaml',
    'prometheus-operator/kustomization.yaml',
  ])
  for (const {file, doc} of ks) {
    for (const key of Object.keys(doc)) assert.ok(KUSTOMIZE_V2_FIELDS.has(key), `${file}: ${key} is not a kustomize v2 field`)
    const dir = join(DEPLOY, dirname(file))
    for (const f of [...((doc.resources as string[]) ?? []), ...((doc.patchesStrategicMerge as string[]) ?? [])]) {
      assert.ok(existsSync(join(dir, f)) && statSync(join(dir, f)).isFile(), `${file}: ${f} is not a file (v2 resources are files)`)
    }
    for (const b of (doc.bases as string[]) ?? []) assert.ok(existsSync(join(dir, b, 'kustomization.yaml')), `${file}: base ${b}`)
  }
  const base = ks.find((k) => k.file === 'base/kustomization.yaml')!.doc
  assert.deepEqual(base.images, [{name: 'localhost/cadv', newTag: VERSION}], 'the image tag follows package.json')
})

const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p))

test(
  'kubectl kustomize builds every kustomization, and what it builds passes the schemas',
  {skip: kubectl ? undefined : 'kubectl is not installed (Debian package kubernetes-client)'},
  async () => {
    const built = new Map<string, Obj[]>()
    for (const dir of ['base', 'prometheus-operator', 'overlays/oom-events', 'overlays/non-root']) {
      const out = execFileSync(kubectl!, ['kustomize', join(DEPLOY, dir)], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
      const list = parse(out, dir)
      for (const o of list) await validate(o).catch((err: Error) => assert.fail(`${dir}: ${o.kind}: ${err.message}`))
      built.set(dir, list)
    }
    const container = (dir: string) => built.get(dir)!.find((o) => o.kind === 'DaemonSet')!.spec.template.spec.containers[0]
    assert.equal(container('base').image, `localhost/cadv:${VERSION}`)
    assert.equal(container('overlays/oom-events').securityContext.privileged, true)
    assert.equal(container('overlays/oom-events').securityContext.readOnlyRootFilesystem, true)
    assert.equal(container('overlays/non-root').securityContext.runAsUser, 65534)
    for (const o of built.get('base')!) assert.equal(o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace, 'cadv', o.kind)
  },
)

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
const PORT_NAME = /^(?=.{1,15}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/

function subset(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v)
}

test('what the API server and controllers would refuse or silently ignore: selectors, references, names, ports', () => {
  const ds = one('DaemonSet')
  const svc = one('Service')
  const sm = one('ServiceMonitor')
  const pm = one('PodMonitor')
  const pod = ds.spec.template
  const c = pod.spec.containers[0]
  for (const o of objects) assert.match(o.doc.metadata.name, DNS_LABEL, `${o.file}: name`)
  assert.ok(subset(ds.spec.selector.matchLabels, pod.metadata.labels), 'DaemonSet selector matches its pod template')
  assert.ok(subset(svc.spec.selector, pod.metadata.labels), 'Service selects the pods')
  const containerPorts = new Set((c.ports as Array<{name: string}>).map((p) => p.name))
  for (const p of c.ports as Array<{name: string}>) assert.match(p.name, PORT_NAME)
  for (const p of svc.spec.ports as Array<{name: string; targetPort: string}>) {
    assert.match(p.name, PORT_NAME)
    assert.ok(containerPorts.has(p.targetPort), `Service targetPort ${p.targetPort} is a container port`)
  }
  assert.ok(subset(sm.spec.selector.matchLabels, svc.metadata.labels), 'ServiceMonitor selects the Service')
  assert.deepEqual(sm.spec.namespaceSelector.matchNames, [svc.metadata.namespace])
  assert.ok(subset(pm.spec.selector.matchLabels, pod.metadata.labels), 'PodMonitor selects the pods')
  const svcPorts = new Set((svc.spec.ports as Array<{name: string}>).map((p) => p.name))
  for (const e of sm.spec.endpoints as Array<{port: string}>) assert.ok(svcPorts.has(e.port), `ServiceMonitor port ${e.port}`)
  for (const e of pm.spec.podMetricsEndpoints as Array<{port: string}>) assert.ok(containerPorts.has(e.port), `PodMonitor port ${e.port}`)
  // Scraped as kube-prometheus scrapes the kubelet, so kubernetes-mixin's selectors match.
  for (const e of [...sm.spec.endpoints, ...pm.spec.podMetricsEndpoints] as Array<Record<string, Yaml>>) {
    assert.equal(e.path, '/metrics/cadvisor')
    assert.equal(e.honorLabels, true)
    const targets = (e.relabelings as Array<{targetLabel: string; replacement?: string; sourceLabels?: string[]}>).map((r) => [
      r.targetLabel,
      r.replacement ?? r.sourceLabels?.join(';'),
    ])
    assert.deepEqual(targets.slice(0, 2), [
      ['job', 'kubelet'],
      ['metrics_path', '__metrics_path__'],
    ])
  }
  // Probes on /healthz, on a port the container has.
  for (const probe of [c.readinessProbe, c.livenessProbe]) {
    assert.equal(probe.httpGet.path, '/healthz')
    assert.ok(containerPorts.has(probe.httpGet.port))
  }
  // Every mount names a volume, every host path is mounted read-only: cAdvisor's set plus /dev/kmsg.
  const volumes = new Map((pod.spec.volumes as Array<{name: string; hostPath: {path: string}}>).map((v) => [v.name, v.hostPath.path]))
  for (const m of c.volumeMounts as Array<{name: string; readOnly: boolean}>) {
    assert.ok(volumes.has(m.name), `volumeMount ${m.name} names a volume`)
    assert.equal(m.readOnly, true, `${m.name} is read-only`)
  }
  assert.deepEqual([...volumes.values()].sort(), ['/', '/dev/disk', '/dev/kmsg', '/sys', '/var/lib/docker', '/var/run'])
  assert.equal(c.securityContext.readOnlyRootFilesystem, true)
  assert.equal(c.securityContext.allowPrivilegeEscalation, false)
  assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'])
  assert.equal(c.image, `localhost/cadv:${VERSION}`)
})

test("the container's requests stay below cAdvisor's (400m, 400Mi)", () => {
  const r = one('DaemonSet').spec.template.spec.containers[0].resources
  const cpu = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q))
  const mem = (q: string): number => Number(/^(\d+)Mi$/.exec(q)?.[1] ?? NaN) * 2 ** 20
  assert.ok(cpu(r.requests.cpu) < 0.4, r.requests.cpu)
  assert.ok(mem(r.requests.memory) < 400 * 2 ** 20, r.requests.memory)
  assert.ok(mem(r.limits.memory) > mem(r.requests.memory))
})

test("the CPU request gives cadv at least a quarter of a busy pod's weight, and no CPU limit throttles it", () => {
  // The kubelet makes the request the pod's cpu.shares (millicores × 1024 / 1000): the weight by
  // which cadv gets a core when other pods keep them busy. At 50m (shares 51) the serve
  // benchmark's scrape p99 beside a busy pod was 4× that at 1024 (README, cadv serve: CPU weight).
  const r = one('DaemonSet').spec.template.spec.containers[0].resources
  const millicores = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000)
  const shares = Math.floor((millicores(r.requests.cpu) * 1024) / 1000)
  assert.ok(shares >= 256, `requests.cpu ${r.requests.cpu}: cpu.shares ${shares}`)
  assert.equal(r.limits?.cpu, undefined, 'a CPU limit throttles scrapes')
})

test('the container runs `cadv serve` with flags cadv serve accepts', () => {
  const [command, ...args] = one('DaemonSet').spec.template.spec.containers[0].args as string[]
  assert.equal(command, 'serve')
  const known = new Set([...Object.keys(Serve.flags), ...Object.keys(CadvCommand.baseFlags)])
  for (const a of args) {
    const m = /^--([a-z-]+)(=.*)?$/.exec(a)
    assert.ok(m, `${a}: one --flag=value per argument`)
    assert.ok(known.has(m[1]!), `--${m[1]} is a flag of cadv serve`)
  }
  assert.ok(args.includes('--kubelet-labels'))
})
