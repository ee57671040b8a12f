/*
 * CRI-O's HTTP inspect API on its unix socket (the only code that talks to CRI-O):
 * `GET /info` (cgroup driver, storage) and `GET /containers/<id>` (name, pid, image, labels,
 * annotations). CRI-O sends `Host: crio`. /info is asked once and kept.
 */
import {GuardedEndpoint, RuntimeUnreachable, stringRecord} from '../http.js'
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

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

export class CrioClient {
  private info: CrioInfo | undefined
  private readonly http: GuardedEndpoint

  constructor(readonly config: RuntimeEndpoint) {
    this.http = new GuardedEndpoint(config.endpoint, config.timeoutMs)
  }

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
      labels: stringRecord(b.labels),
      annotations: stringRecord(b.annotations),
    }
    if (str(b.image)) c.image = str(b.image)
    // created_time is nanoseconds since the epoch.
    if (typeof b.created_time === 'number' && b.created_time > 0) c.createdAt = new Date(Math.floor(b.created_time / 1e6))
    return c
  }

  /** CRI-O answers with `Host: crio`. */
  private get(path: string): Promise<{status: number; body: unknown}> {
    return this.http.getJson(path, {Host: 'crio'})
  }
}
