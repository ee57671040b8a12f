/*
 * The Docker Engine API client (also spoken by `podman system service`): the only code that
 * talks to dockerd. One call matters: inspect. Unversioned paths, so any daemon answers.
 */
import {GuardedEndpoint, RuntimeUnreachable, stringRecord} from '../http.js'
import type {RuntimeEndpoint} from '../options.js'

/** The fields of `GET /containers/<id>/json` cadv uses. */
export interface EngineContainer {
  id: string
  /** Without the leading `/`. */
  name: string
  image?: string
  labels: Record<string, string>
  env: string[]
  pid: number
  running: boolean
  status: string
  createdAt?: Date
  startedAt?: Date
  restartCount: number
  networkMode: string
  /** GraphDriver.Data.UpperDir: the overlay writable layer. */
  upperDir?: string
  /** LogPath: the json-file log (docker) or the container's log (podman). */
  logPath?: string
  /** State.Health.Status: `starting`, `healthy`, `unhealthy`; absent without a health check. */
  health?: string
}

export class EngineClient {
  private readonly http: GuardedEndpoint

  constructor(
    /** `docker` or `podman`: which daemon this is, for messages. */
    readonly runtime: string,
    readonly config: RuntimeEndpoint,
  ) {
    this.http = new GuardedEndpoint(config.endpoint, config.timeoutMs)
  }

  get endpoint(): string {
    return this.config.endpoint
  }

  /** The container, or null when the daemon does not know it (404). Throws RuntimeUnreachable. */
  async inspect(id: string): Promise<EngineContainer | null> {
    const res = await this.http.getJson(`/containers/${encodeURIComponent(id)}/json`)
    if (res.status === 404) return null
    if (res.status !== 200) throw new RuntimeUnreachable(this.endpoint, `GET /containers/…/json: HTTP ${res.status} ${messageOf(res.body)}`)
    return toEngineContainer(res.body)
  }

  /** `GET /_ping`: true when the daemon answers. */
  async ping(): Promise<boolean> {
    const res = await this.http.getJson('/_ping')
    return res.status === 200
  }
}

function messageOf(body: unknown): string {
  const m = (body as {message?: unknown} | null)?.message
  return typeof m === 'string' ? m : ''
}

function date(v: unknown): Date | undefined {
  if (typeof v !== 'string' || v === '' || v.startsWith('0001-01-01')) return undefined
  const d = new Date(v)
  return Number.isNaN(d.getTime()) ? undefined : d
}

/** Docker's inspect JSON → EngineContainer; tolerant of missing parts (podman leaves some out). */
export function toEngineContainer(body: unknown): EngineContainer {
  // The reply is untyped JSON; each field is checked where it is read.
  const b = (body ?? {}) as Record<string, unknown>
  const config = (b.Config ?? {}) as Record<string, unknown>
  const state = (b.State ?? {}) as Record<string, unknown>
  const host = (b.HostConfig ?? {}) as Record<string, unknown>
  const c: EngineContainer = {
    id: typeof b.Id === 'string' ? b.Id : '',
    name: typeof b.Name === 'string' ? b.Name.replace(/^\//, '') : '',
    labels: stringRecord(config.Labels),
    env: Array.isArray(config.Env) ? config.Env.filter((e): e is string => typeof e === 'string') : [],
    pid: typeof state.Pid === 'number' ? state.Pid : 0,
    running: state.Running === true,
    status: typeof state.Status === 'string' ? state.Status : state.Running === true ? 'running' : 'unknown',
    restartCount: typeof b.RestartCount === 'number' ? b.RestartCount : 0,
    networkMode: typeof host.NetworkMode === 'string' ? host.NetworkMode : '',
  }
  if (typeof config.Image === 'string' && config.Image !== '') c.image = config.Image
  const graph = ((b.GraphDriver ?? {}) as Record<string, unknown>).Data as Record<string, unknown> | undefined
  if (typeof graph?.UpperDir === 'string' && graph.UpperDir.startsWith('/')) c.upperDir = graph.UpperDir
  if (typeof b.LogPath === 'string' && b.LogPath.startsWith('/')) c.logPath = b.LogPath
  const health = (state.Health ?? state.Healthcheck) as Record<string, unknown> | undefined
  // podman reports "" (and docker "none") for a container without a health check.
  if (typeof health?.Status === 'string' && health.Status !== '' && health.Status !== 'none') c.health = health.Status
  const created = date(b.Created)
  if (created) c.createdAt = created
  const started = date(state.StartedAt)
  if (started) c.startedAt = started
  return c
}
