/*
 * The Docker Engine API client (also spoken by `podman system service`): the only code that
 * talks to dockerd. One call matters: inspect. Unversioned paths, so any daemon answers.
 */
import {EndpointGuard, Limiter, MAX_CALLS_IN_FLIGHT, RuntimeUnreachable, getJson, isTimeout} from '../http.js'
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
}

/** How long after a timeout the endpoint is not asked again. */
const COOLDOWN_MS = 10_000

export class EngineClient {
  private readonly guard = new EndpointGuard(COOLDOWN_MS)
  private readonly limiter = new Limiter(MAX_CALLS_IN_FLIGHT)

  constructor(
    /** `docker` or `podman`: which daemon this is, for messages. */
    readonly runtime: string,
    readonly config: RuntimeEndpoint,
  ) {}

  get endpoint(): string {
    return this.config.endpoint
  }

  /** The container, or null when the daemon does not know it (404). Throws RuntimeUnreachable. */
  async inspect(id: string): Promise<EngineContainer | null> {
    const res = await this.get(`/containers/${encodeURIComponent(id)}/json`)
    if (res.status === 404) return null
    if (res.status !== 200) throw new RuntimeUnreachable(this.endpoint, `GET /containers/…/json: HTTP ${res.status} ${messageOf(res.body)}`)
    return toEngineContainer(res.body)
  }

  /** `GET /_ping`: true when the daemon answers. */
  async ping(): Promise<boolean> {
    const res = await this.get('/_ping')
    return res.status === 200
  }

  private async get(path: string): Promise<{status: number; body: unknown}> {
    const skip = this.guard.check()
    if (skip) throw new RuntimeUnreachable(this.endpoint, skip)
    // The guard is asked again once a slot frees, and marked before the slot is given back,
    // so that calls queued behind a timed-out one are skipped rather than sent.
    return this.limiter.run(async () => {
      const late = this.guard.check()
      if (late) throw new RuntimeUnreachable(this.endpoint, late)
      try {
        return await getJson(this.endpoint, path, this.config.timeoutMs)
      } catch (err) {
        if (isTimeout(err)) this.guard.timedOut()
        throw err
      }
    })
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

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x
  return out
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
  const created = date(b.Created)
  if (created) c.createdAt = created
  const started = date(state.StartedAt)
  if (started) c.startedAt = started
  return c
}
