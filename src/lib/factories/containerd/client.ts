/*
 * containerd's gRPC API (the only code that talks to containerd): Containers.Get for labels,
 * image and the OCI spec's env, Tasks.Get for the pid, Version for a probe. The namespace goes
 * in the `containerd-namespace` metadata on every call. Every call has a deadline of the
 * configured timeout; after a DEADLINE_EXCEEDED the endpoint rests (GuardedEndpoint).
 *
 * This module pulls in @grpc/grpc-js (about 100 ms to load): import it lazily, only when a
 * name actually needs containerd.
 */
import {fileURLToPath} from 'node:url'

import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'

import {GuardedEndpoint, RuntimeUnreachable} from '../http.js'
import type {ResolverOptions} from '../options.js'

/** The repository's proto/ folder, the same relative place from src/ and from dist/. */
const PROTO_DIR = fileURLToPath(new URL('../../../../proto', import.meta.url))

export interface ContainerdContainer {
  id: string
  labels: Record<string, string>
  image?: string
  env: string[]
  createdAt?: Date
}

export interface ContainerdTask {
  pid: number
  status: string
}

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void

interface ContainerMsg {
  id?: string
  labels?: Record<string, string>
  image?: string
  spec?: {typeUrl?: string; value?: Buffer}
  createdAt?: {seconds?: number; nanos?: number}
}

interface Stubs {
  containers: grpc.Client
  tasks: grpc.Client
  version: grpc.Client
}

let definitions: grpc.GrpcObject | undefined

function loadDefinitions(): grpc.GrpcObject {
  definitions ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(['containerd/containers.proto', 'containerd/tasks.proto', 'containerd/version.proto'], {
      includeDirs: [PROTO_DIR],
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: true,
    }),
  )
  return definitions
}

function service(path: string): grpc.ServiceClientConstructor {
  let node: unknown = loadDefinitions()
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part]
  return node as grpc.ServiceClientConstructor
}

/** A socket path or `unix://…` → the gRPC target `unix:///…`. */
export function grpcTarget(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return `unix://${endpoint.slice('unix://'.length)}`
  if (endpoint.startsWith('/')) return `unix://${endpoint}`
  return endpoint
}

export class ContainerdClient {
  private stubs: Stubs | undefined
  private readonly guarded: GuardedEndpoint

  constructor(readonly config: ResolverOptions['containerd']) {
    this.guarded = new GuardedEndpoint(config.endpoint, config.timeoutMs)
  }

  get endpoint(): string {
    return this.config.endpoint
  }

  /** The container in the configured namespace, or null when containerd does not know it. */
  async getContainer(id: string): Promise<ContainerdContainer | null> {
    const res = await this.call<{container?: ContainerMsg}>('containers', 'Get', {id}, true)
    if (!res) return null
    const c = res.container ?? {}
    const out: ContainerdContainer = {id: c.id ?? id, labels: c.labels ?? {}, env: specEnv(c.spec)}
    if (c.image) out.image = c.image
    if (c.createdAt?.seconds) out.createdAt = new Date(c.createdAt.seconds * 1000 + Math.floor((c.createdAt.nanos ?? 0) / 1e6))
    return out
  }

  /** The container's task (its init process), or null when it has none (created, not started). */
  async getTask(id: string): Promise<ContainerdTask | null> {
    const res = await this.call<{process?: {pid?: number; status?: string}}>('tasks', 'Get', {containerId: id}, true)
    if (!res) return null
    return {pid: res.process?.pid ?? 0, status: res.process?.status ?? 'UNKNOWN'}
  }

  async version(): Promise<string> {
    const res = await this.call<{version?: string}>('version', 'Version', {}, false)
    return res?.version ?? ''
  }

  close(): void {
    if (!this.stubs) return
    for (const c of Object.values(this.stubs)) (c as grpc.Client).close()
    this.stubs = undefined
  }

  private getStubs(): Stubs {
    if (!this.stubs) {
      const target = grpcTarget(this.endpoint)
      const creds = grpc.credentials.createInsecure()
      // One channel shared by the three stubs; cAdvisor's dial settings: 16 MB messages, backoff ≤ 3 s.
      const channelOptions = {'grpc.max_receive_message_length': 16 * 1024 * 1024, 'grpc.max_reconnect_backoff_ms': 3000}
      const containers = new (service('containerd.services.containers.v1.Containers'))(target, creds, channelOptions)
      const channel = containers.getChannel()
      const opts = {channelOverride: channel}
      this.stubs = {
        containers,
        tasks: new (service('containerd.services.tasks.v1.Tasks'))(target, creds, opts),
        version: new (service('containerd.services.version.v1.Version'))(target, creds, opts),
      }
    }
    return this.stubs
  }

  /** One unary call with a deadline; NOT_FOUND → null when `notFoundIsNull`; other failures throw RuntimeUnreachable. */
  private call<Res>(which: keyof Stubs, method: string, req: unknown, notFoundIsNull: boolean): Promise<Res | null> {
    return this.guarded.run(() => this.callNow<Res>(which, method, req, notFoundIsNull))
  }

  private callNow<Res>(which: keyof Stubs, method: string, req: unknown, notFoundIsNull: boolean): Promise<Res | null> {
    let stub: grpc.Client
    try {
      stub = this.getStubs()[which]
    } catch (err) {
      return Promise.reject(new RuntimeUnreachable(this.endpoint, (err as Error).message))
    }
    const md = new grpc.Metadata()
    md.set('containerd-namespace', this.config.namespace)
    return new Promise((resolve, reject) => {
      // Generated stubs carry one method per rpc; loadPackageDefinition types them loosely.
      const fn = (stub as unknown as Record<string, Unary<unknown, Res>>)[method]!.bind(stub)
      fn(req, md, {deadline: Date.now() + this.config.timeoutMs}, (err, res) => {
        if (!err) return resolve(res ?? null)
        if (notFoundIsNull && err.code === grpc.status.NOT_FOUND) return resolve(null)
        // The guard rests the endpoint on this error, as on an HTTP runtime's timeout.
        if (err.code === grpc.status.DEADLINE_EXCEEDED) return reject(this.guarded.timeoutError())
        reject(new RuntimeUnreachable(this.endpoint, grpcErrorText(err)))
      })
    })
  }
}

/** `process.env` of the OCI spec carried as JSON in an Any. */
function specEnv(spec: ContainerMsg['spec']): string[] {
  if (!spec?.value || spec.value.length === 0) return []
  try {
    const parsed = JSON.parse(spec.value.toString('utf8')) as {process?: {env?: unknown}}
    const env = parsed.process?.env
    return Array.isArray(env) ? env.filter((e): e is string => typeof e === 'string') : []
  } catch {
    return []
  }
}

/** grpc-js wraps a socket error in a long UNAVAILABLE text; keep the part a person needs. */
function grpcErrorText(err: grpc.ServiceError): string {
  const text = err.details || err.message
  const sys = /connect (E[A-Z]+)/.exec(text)
  if (err.code === grpc.status.UNAVAILABLE && sys) return `connect ${sys[1]}`
  return `${grpc.status[err.code] ?? err.code}: ${text}`
}
