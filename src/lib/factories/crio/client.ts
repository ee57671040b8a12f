/*
 * CRI-O's HTTP inspect API on its unix socket (the only code that talks to CRI-O):
 * `GET /info` (cgroup driver, storage) and `GET /containers/<id>` (name, pid, image, labels,
 * annotations). CRI-O sends `Host: crio`. /info is asked once and kept.
 */
import {EndpointGuard, Limiter, MAX_CALLS_IN_FLIGHT, RuntimeUnreachable, getJson, isTimeout} from '../http.js'
import type {RuntimeEndpoint} from '../options.js'

export interface CrioInfo {
  cgroupDriver: string
  storageDriver: string
  storageRoot: string
}

export interface CrioContainer {
  name: string
  pid: number
  image?: string
  createdAt?: Date
  labels: Record<string, string>
  annotations: Record<string, string>
}

const COOLDOWN_MS = 10_000

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

function strings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x
  return out
}

export class CrioClient {
  private info: CrioInfo | undefined
  private readonly guard = new EndpointGuard(COOLDOWN_MS)
  private readonly limiter = new Limiter(MAX_CALLS_IN_FLIGHT)

  constructor(readonly config: RuntimeEndpoint) {}

  get endpoint(): string {
    return this.config.endpoint
  }

  async getInfo(): Promise<CrioInfo> {
    if (this.info) return this.info
    const res = await this.get('/info')
    if (res.status !== 200) throw new RuntimeUnreachable(this.endpoint, `GET /info: HTTP ${res.status}`)
    const b = (res.body ?? {}) as Record<string, unknown>
    this.info = {cgroupDriver: str(b.cgroup_driver), storageDriver: str(b.storage_driver), storageRoot: str(b.storage_root)}
    return this.info
  }

  /** The container, or null when CRI-O does not know it (404). */
  async getContainer(id: string): Promise<CrioContainer | null> {
    const res = await this.get(`/containers/${encodeURIComponent(id)}`)
    if (res.status === 404) return null
    if (res.status !== 200) throw new RuntimeUnreachable(this.endpoint, `GET /containers/…: HTTP ${res.status}`)
    const b = (res.body ?? {}) as Record<string, unknown>
    const c: CrioContainer = {
      name: str(b.name),
      pid: typeof b.pid === 'number' ? b.pid : 0,
      labels: strings(b.labels),
      annotations: strings(b.annotations),
    }
    if (str(b.image)) c.image = str(b.image)
    // created_time is nanoseconds since the epoch.
    if (typeof b.created_time === 'number' && b.created_time > 0) c.createdAt = new Date(Math.floor(b.created_time / 1e6))
    return c
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
        return await getJson(this.endpoint, path, this.config.timeoutMs, {Host: 'crio'})
      } catch (err) {
        if (isTimeout(err)) this.guard.timedOut()
        throw err
      }
    })
  }
}
