/*
 * cAdvisor's REST API on cadv's data: /api/v1.0–v1.3 (machine, containers, subcontainers,
 * docker, events) and /api/v2.0–v2.1 (version, attributes, machine, stats, summary, spec,
 * storage, ps, events, appmetrics, machinestats), with cAdvisor's paths, query parameters, POST
 * body and JSON shapes, so its clients and scripts work unchanged. Where cAdvisor answers a
 * bad request with a 500 and a line of text, this answers with the status that says what was
 * wrong (400 bad input, 404 no such container or version, 413 body too large) and one JSON
 * object `{"error": "...", "status": N}`; a client that checks for 200 sees no difference.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import {readlinkSync} from 'node:fs'

import {isUnder, parentName, type CgroupLayout} from '../cgroups/index.js'
import type {EventStore} from '../events/index.js'
import type {ContainerName, ContainerState, ContainerView, Sample, SampleList} from '../model/index.js'
import {listProcesses, type ProcessRow} from '../stats/index.js'
import {parseDuration} from '../util/index.js'
import {ApiError, badRequest, notFound, parseRfc3339, sendApiError, sendApiJson, V1_UNLIMITED, V2_UNLIMITED} from './api-encoding.js'
import {containersOf, lookupAlias, type AliasNamespace} from './aliases.js'
import {parseEventRequest, serveEvents} from './api-events.js'
import {attributesJson, fsInfoJson, MachineSource} from './api-machine.js'
import {deprecatedStats, machineStats, v1ContainerInfo, v2Spec, v2Stats, type ShapeContext} from './api-shapes.js'
import {SummaryHistory} from './api-summary.js'
import type {Route} from './http.js'

const V1_TYPES = {
  'v1.0': ['containers', 'machine'],
  'v1.1': ['containers', 'machine', 'subcontainers'],
  'v1.2': ['containers', 'machine', 'subcontainers', 'docker'],
  'v1.3': ['containers', 'machine', 'subcontainers', 'docker', 'events'],
} as const
const V2_0_TYPES = ['version', 'attributes', 'events', 'machine', 'summary', 'stats', 'spec', 'storage', 'ps', 'appmetrics'] as const
const VERSIONS: Record<string, readonly string[]> = {
  ...V1_TYPES,
  'v2.0': V2_0_TYPES,
  'v2.1': ['machinestats', ...V2_0_TYPES],
}

/** Largest v1 request body (a ContainerInfoRequest is a few dozen bytes). */
const MAX_BODY = 64 * 1024
const DEFAULT_NUM_STATS = 60
const DEFAULT_COUNT = 64

export interface CadvisorApiOptions {
  view: ContainerView
  /** For /ps (cgroup.procs and /proc) and the unlimited sentinel's spelling. */
  layout: CgroupLayout
  events?: EventStore
  machine: MachineSource
  /** cadv's version, reported where cAdvisor reports its own. */
  version: string
  /** Reads a container now (max_age): a sample at least this fresh is then stored. */
  housekeepNow?: (name: ContainerName) => void
}

interface V1Request {
  numStats: number
  startMs?: number
  endMs?: number
}

interface V2Options {
  type: 'name' | 'docker' | 'podman'
  count: number
  recursive: boolean
  maxAgeMs?: number
}

/** `/a//b/` → `/a/b`, as cAdvisor's path.Join("/", parts...). */
function containerName(tail: string): ContainerName {
  const parts = tail.split('/').filter(Boolean)
  return parts.length === 0 ? '/' : `/${parts.join('/')}`
}

const byName = (a: ContainerState, b: ContainerState): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/**
 * ps's month names, spelled out rather than asked of Intl: the first toLocaleString() makes V8
 * load ICU's date-format data, which then stays resident for the life of the process (RSS of a
 * node process 42.6 -> 51.0 MiB, 6.6 MiB of it pages of node's ICU data, for three letters).
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

/** Go's ps STIME: HH:MM today, MonDD this year, the year before. */
export function psStartTime(ms: number, now: number): string {
  const d = new Date(ms)
  const pad = (n: number): string => String(n).padStart(2, '0')
  if (now - ms < 24 * 3600_000) return `${pad(d.getHours())}:${pad(d.getMinutes())}`
  if (d.getFullYear() === new Date(now).getFullYear()) return `${MONTHS[d.getMonth()]}${pad(d.getDate())}`
  return String(d.getFullYear())
}

/** ps TIME: [DD-]HH:MM:SS of CPU. */
function psCpuTime(seconds: number): string {
  const s = Math.floor(seconds)
  const pad = (n: number): string => String(n).padStart(2, '0')
  const days = Math.floor(s / 86400)
  const hms = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`
  return days > 0 ? `${days}-${hms}` : hms
}

function processJson(p: ProcessRow, now: number): Record<string, unknown> {
  return {
    user: p.user,
    pid: p.pid,
    parent_pid: p.ppid,
    start_time: psStartTime(p.startMs, now),
    percent_cpu: p.percentCpu,
    percent_mem: p.percentMem,
    rss: p.rssBytes,
    virtual_size: p.vszBytes,
    status: p.stat,
    running_time: psCpuTime(p.cpuSeconds),
    cgroup_path: p.cgroup,
    cmd: p.comm,
    fd_count: p.fds,
    psr: p.psr,
  }
}

/** The v1 body (any method; GET bodies count too, as in cAdvisor). */
async function readV1Body(req: IncomingMessage): Promise<V1Request> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY) throw new ApiError(413, `request body over ${MAX_BODY} bytes`)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  const out: V1Request = {numStats: DEFAULT_NUM_STATS}
  if (text === '') return out
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (err) {
    throw badRequest(`unable to decode the json value: ${(err as Error).message}`)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the body must be a JSON object {"num_stats", "start", "end"}')
  const b = body as Record<string, unknown>
  if (b.num_stats !== undefined) {
    if (!Number.isInteger(b.num_stats) || (b.num_stats as number) < -1)
      throw badRequest('num_stats must be an integer ≥ -1 (-1: every sample kept)')
    out.numStats = b.num_stats as number
  }
  for (const key of ['start', 'end'] as const) {
    const v = b[key]
    if (v === undefined || v === null || v === '0001-01-01T00:00:00Z') continue
    const ms = typeof v === 'string' ? parseRfc3339(v) : undefined
    if (ms === undefined) throw badRequest(`${key}: ${JSON.stringify(v)} is not an RFC 3339 time`)
    if (key === 'start') out.startMs = ms
    else out.endMs = ms
  }
  return out
}

function parseV2Options(params: URLSearchParams): V2Options {
  const type = params.get('type') ?? 'name'
  if (type !== 'name' && type !== 'docker' && type !== 'podman') throw badRequest(`unknown 'type' "${type}" (name, docker, podman)`)
  let count = DEFAULT_COUNT
  const c = params.get('count')
  if (c !== null) {
    if (!/^-?\d+$/.test(c)) throw badRequest(`failed to parse 'count' option: ${c}`)
    count = Number(c)
    if (count < -1) throw badRequest(`invalid 'count' option: only -1 and larger values allowed, not ${count}`)
  }
  const out: V2Options = {type, count, recursive: params.get('recursive') === 'true'}
  const maxAge = params.get('max_age')
  if (maxAge !== null) {
    try {
      out.maxAgeMs = parseDuration(maxAge)
    } catch (err) {
      throw badRequest(`failed to parse 'max_age' option: ${(err as Error).message}`)
    }
  }
  return out
}

/** The last `count` samples (-1: all). */
function lastSamples(samples: SampleList, count: number): Sample[] {
  return count < 0 ? samples.slice() : count === 0 ? [] : samples.slice(-count)
}

/** The sample before the i-th of the last `count` of `all` (undefined before the first). */
function before(all: SampleList, count: number, i: number): Sample | undefined {
  const k = all.length - count + i - 1
  return k >= 0 ? all.at(k) : undefined
}

export class CadvisorApi implements Route {
  private readonly ctx: ShapeContext
  private readonly summaries: SummaryHistory
  readonly limited = true
  readonly methods = ['POST'] as const

  constructor(private readonly options: CadvisorApiOptions) {
    const memory =
      options.layout.hierarchies.find((h) => h.controllers.includes('memory')) ?? options.layout.hierarchies.find((h) => h.version === 2)
    this.ctx = {
      unlimited: memory?.version === 2 ? V2_UNLIMITED : V1_UNLIMITED,
      machineMemoryBytes: 0,
    }
    this.summaries = new SummaryHistory(options.view)
  }

  matches(path: string): boolean {
    return path === '/api' || path.startsWith('/api/')
  }

  refuse(res: ServerResponse, status: number, message: string): void {
    sendApiError(res, new ApiError(status, message))
  }

  close(): void {
    this.summaries.stop()
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      await this.route(req, res, url)
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      if (!res.headersSent) sendApiError(res, err)
      else res.destroy()
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // The raw path, not the URL's: WHATWG URL parsing resolves `..` segments away, and a
    // request with them must be refused, not quietly answered for another container.
    const raw = (req.url ?? '/').split('?')[0]!
    let path: string
    try {
      path = decodeURIComponent(raw)
    } catch {
      throw badRequest('malformed percent-encoding in the path')
    }
    if (path.includes('\0')) throw badRequest('a path cannot hold a NUL byte')
    if (path.split('/').some((p) => p === '..' || p === '.')) throw badRequest('a path cannot hold . or .. segments')
    const m = /^\/api\/([^/]+)\/?([^/]+)?(.*)$/.exec(path)
    if (!m) throw badRequest(`Supported API versions: ${Object.keys(VERSIONS).join(',')}`)
    const [, version, type, tail] = m as unknown as [string, string, string | undefined, string]
    const types = VERSIONS[version]
    if (!types) throw notFound(`unsupported API version "${version}" (${Object.keys(VERSIONS).join(', ')})`)
    if (type === undefined) throw badRequest(`Supported request types: "${[...types].sort().join(',')}"`)
    if (!types.includes(type)) throw notFound(`unknown request type "${type}" in ${version} (${[...types].sort().join(', ')})`)
    const name = containerName(tail)
    if (version.startsWith('v1.')) return this.v1(req, res, type, name, tail)
    return this.v2(req, res, url, version, type, name)
  }

  private machineMemory(): number {
    const capacity = this.options.machine.get().info.memory_capacity
    return typeof capacity === 'number' ? capacity : 0
  }

  private shapes(): ShapeContext {
    return {...this.ctx, machineMemoryBytes: this.machineMemory()}
  }

  private containerOrThrow(name: ContainerName): ContainerState {
    const c = this.options.view.get(name)
    if (!c) throw notFound(`unknown container "${name}"`)
    return c
  }

  private children(name: ContainerName): ContainerState[] {
    return [...this.options.view.containers()].filter((c) => c.name !== name && parentName(c.name) === name).sort(byName)
  }

  private v1Info(c: ContainerState, r: V1Request): Record<string, unknown> {
    const samples = lastSamples(
      c.samples
        .slice()
        .filter((s) => (r.startMs === undefined || s.timestampMs >= r.startMs) && (r.endMs === undefined || s.timestampMs <= r.endMs)),
      r.numStats,
    )
    return v1ContainerInfo(c, this.children(c.name), samples, this.shapes())
  }

  // --- v1 --------------------------------------------------------------------------------

  private async v1(req: IncomingMessage, res: ServerResponse, type: string, name: ContainerName, tail: string): Promise<void> {
    switch (type) {
      case 'machine':
        return sendApiJson(res, this.options.machine.get().info)
      case 'events':
        return this.events(req, res, name)
      case 'containers': {
        const r = await readV1Body(req)
        return sendApiJson(res, this.v1Info(this.containerOrThrow(name), r))
      }
      case 'subcontainers': {
        const r = await readV1Body(req)
        const all = [...this.options.view.containers()].filter((c) => isUnder(c.name, name)).sort(byName)
        if (all.length === 0) throw notFound(`no containers found at or under "${name}"`)
        return sendApiJson(
          res,
          all.map((c) => this.v1Info(c, r)),
        )
      }
      case 'docker': {
        const r = await readV1Body(req)
        const parts = tail.split('/').filter(Boolean)
        if (parts.length > 1) throw badRequest(`unknown request for Docker container [${parts.join(' ')}]`)
        const found = parts.length === 0 ? this.inNamespace('docker') : [this.byAlias('docker', parts[0]!)]
        return sendApiJson(res, Object.fromEntries(found.sort(byName).map((c) => [c.name, this.v1Info(c, r)])))
      }
    }
    throw notFound(`unknown request type "${type}"`)
  }

  // --- aliases (docker, podman) ----------------------------------------------------------

  private inNamespace(namespace: AliasNamespace): ContainerState[] {
    return containersOf(this.options.view, namespace)
  }

  /** cAdvisor's lookup (aliases.ts), its failures as API errors. */
  private byAlias(namespace: AliasNamespace, alias: string): ContainerState {
    const r = lookupAlias(this.options.view, namespace, alias)
    if ('found' in r) return r.found
    if ('ambiguous' in r) throw badRequest(`container "${alias}" is not unique in the "${namespace}" namespace (${r.ambiguous} match)`)
    throw notFound(`unable to find container "${alias}" in "${namespace}" namespace`)
  }

  // --- v2 --------------------------------------------------------------------------------

  /** The containers a v2 request names, by cgroup name or runtime alias, recursive or not. */
  private select(name: ContainerName, o: V2Options): ContainerState[] {
    if (o.type !== 'name') {
      if (o.recursive) {
        if (name !== '/') throw badRequest(`invalid request for ${o.type} container "${name}" with subcontainers`)
        return this.inNamespace(o.type).sort(byName)
      }
      return [this.byAlias(o.type, name.replace(/^\//, ''))]
    }
    if (!o.recursive) return [this.containerOrThrow(name)]
    const all = [...this.options.view.containers()].filter((c) => isUnder(c.name, name)).sort(byName)
    if (all.length === 0) throw notFound(`unknown container: "${name}"`)
    return all
  }

  /** max_age: a container whose newest sample is older is read now, before the answer. */
  private freshen(containers: readonly ContainerState[], o: V2Options): void {
    const maxAge = o.maxAgeMs
    if (maxAge === undefined || !this.options.housekeepNow) return
    const now = Date.now()
    for (const c of containers) {
      const last = c.samples.at(-1)
      if (!last || now - last.timestampMs > maxAge) this.options.housekeepNow(c.name)
    }
  }

  private async v2(req: IncomingMessage, res: ServerResponse, url: URL, version: string, type: string, name: ContainerName): Promise<void> {
    const params = url.searchParams
    // cAdvisor parses the options first for every v2 request: bad ones fail even /version.
    const o = parseV2Options(params)
    switch (type) {
      case 'version':
        return sendApiJson(res, this.options.version)
      case 'attributes':
        return sendApiJson(res, attributesJson(this.options.machine.get(), this.options.version))
      case 'machine':
        return sendApiJson(res, this.options.machine.get().info)
      case 'events':
        return this.events(req, res, name)
      case 'storage':
        return this.storage(res, params)
      case 'appmetrics': {
        // cadv collects no application metrics: each container asked for has none.
        const selected = this.select(name, o)
        return sendApiJson(res, Object.fromEntries(selected.map((c) => [c.name, {}])))
      }
      case 'ps': {
        const [c, ...more] = this.select(name, {...o, recursive: false})
        if (!c || more.length > 0) throw badRequest(`expected one container for "${name}"`)
        const rows = listProcesses(this.options.layout, c.name)
        if (rows === undefined) throw notFound(`process listing failed: container "${c.name}" is gone`)
        const now = Date.now()
        return sendApiJson(
          res,
          rows.map((p) => processJson(p, now)),
        )
      }
      case 'machinestats': {
        const root = this.options.view.get('/')
        this.freshen(root ? [root] : [], o)
        const all = root?.samples ?? []
        const samples = lastSamples(all, o.count)
        return sendApiJson(
          res,
          samples.map((s, i) => machineStats(s, before(all, samples.length, i))),
        )
      }
    }
    const selected = this.select(name, o)
    this.freshen(selected, o)
    const shapes = this.shapes()
    const out: Record<string, unknown> = {}
    for (const c of selected) {
      const all = c.samples
      const samples = lastSamples(all, o.count)
      const prev = (i: number): Sample | undefined => before(all, samples.length, i)
      switch (type) {
        case 'spec':
          out[c.name] = v2Spec(c, shapes)
          break
        case 'summary':
          out[c.name] = this.summaries.derived(c.name)
          break
        case 'stats':
          if (version === 'v2.0') {
            const spec = v2Spec(c, shapes)
            out[c.name] = samples.map((s, i) => deprecatedStats(s, prev(i), spec))
          } else if (c.name !== '/') {
            // v2.1 leaves the root out: /api/v2.1/machinestats serves it.
            const stats = samples.map((s, i) => v2Stats(s, prev(i)))
            out[c.name] = stats.length > 0 ? {spec: v2Spec(c, shapes), stats} : {spec: v2Spec(c, shapes)}
          }
          break
      }
    }
    return sendApiJson(res, out)
  }

  private storage(res: ServerResponse, params: URLSearchParams): void {
    const m = this.options.machine.get()
    const now = Date.now()
    const all = m.filesystems.map((f) => fsInfoJson(f, now))
    const uuid = params.get('uuid')
    if (uuid !== null) {
      let device: string | undefined
      try {
        if (/^[\w-]+$/.test(uuid)) device = `/dev/${readlinkSync(`/dev/disk/by-uuid/${uuid}`).split('/').pop()}`
      } catch {
        device = undefined
      }
      const fs = all.find((f) => f.device === device)
      if (!fs) throw notFound(`no filesystem with uuid "${uuid}"`)
      return sendApiJson(res, fs)
    }
    const label = params.get('label')
    if (label !== null) {
      const matching = all.filter((f) => (f.labels as string[]).includes(label))
      if (matching.length === 0) throw notFound(`no filesystem labelled "${label}"`)
      return sendApiJson(res, matching)
    }
    return sendApiJson(res, all)
  }

  private events(req: IncomingMessage, res: ServerResponse, name: ContainerName): void {
    const store = this.options.events
    if (!store) throw notFound('events are not kept by this server')
    const url = new URL(req.url ?? '/', 'http://cadv')
    serveEvents(req, res, store, parseEventRequest(name, url.searchParams))
  }
}

export function cadvisorApi(options: CadvisorApiOptions): CadvisorApi {
  return new CadvisorApi(options)
}
