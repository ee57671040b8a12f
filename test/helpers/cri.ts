/*
 * Pods without a kubelet: the calls the kubelet makes to containerd's CRI service
 * (RunPodSandbox, CreateContainer, StartContainer), over the CRI gRPC API, with the labels
 * the kubelet puts on what it creates. Pods use the host network (no CNI needed) and a cgroup
 * parent under `kubepods` below the Runtimes' own cgroup parent. Every pod made is stopped and
 * removed at the Runtimes' teardown, before containerd stops.
 */
import {randomUUID} from 'node:crypto'
import {fileURLToPath} from 'node:url'

import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'

import type {Runtimes} from './runtimes.js'

const PROTO = fileURLToPath(new URL('./cri/runtime-v1.proto', import.meta.url))

type Call = (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => void

export type Qos = 'guaranteed' | 'burstable' | 'besteffort'

export interface PodOptions {
  name: string
  namespace: string
  uid?: string
  qos?: Qos
}

export interface Pod {
  id: string
  name: string
  namespace: string
  uid: string
  qos: Qos
  /** The pod's cgroup, as a container name (`<Runtimes parent>/kubepods/burstable/pod<uid>`). */
  cgroup: string
  config: Record<string, unknown>
}

export interface ContainerOptions {
  name: string
  /** Shell command run by busybox sh. */
  script: string
  /** CFS quota in CPUs (0.2 = 20 ms per 100 ms period); absent: no quota. */
  cpus?: number
  memoryBytes?: number
}

export class CriClient {
  private readonly client: grpc.Client
  private readonly pods = new Map<string, Pod>()

  constructor(private readonly rt: Runtimes) {
    const def = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO, {keepCase: true, longs: Number, enums: String, defaults: true}))
    const runtime = (def.runtime as grpc.GrpcObject).v1 as grpc.GrpcObject
    const Service = runtime.RuntimeService as grpc.ServiceClientConstructor
    this.client = new Service(`unix://${rt.containerdSocket}`, grpc.credentials.createInsecure())
    rt.addCleanup(() => this.removeAll())
  }

  private call<T>(method: string, req: unknown, timeoutMs = 60_000): Promise<T> {
    const fn = (this.client as unknown as Record<string, Call>)[method]!.bind(this.client)
    return new Promise((resolve, reject) => {
      fn(req, {deadline: Date.now() + timeoutMs}, (err, res) =>
        err ? reject(new Error(`CRI ${method}: ${err.details || err.message}`)) : resolve(res as T),
      )
    })
  }

  /** The CRI answers once its plugin is up (a moment after containerd's socket appears). */
  async version(): Promise<{runtime_name: string; runtime_version: string; runtime_api_version: string}> {
    return this.call('Version', {version: 'v1'})
  }

  /**
   * RunPodSandbox as the kubelet's cgroupfs driver would ask it: the pod cgroup
   * `kubepods/<qos>/pod<uid>` (guaranteed: `kubepods/pod<uid>`), host network and PID namespace
   * of the pod, the kubelet's three pod labels.
   */
  async runPod(o: PodOptions): Promise<Pod> {
    await this.rt.importImage()
    const uid = o.uid ?? randomUUID()
    const qos = o.qos ?? 'burstable'
    const cgroup = `${this.rt.cgroupParent}/kubepods${qos === 'guaranteed' ? '' : `/${qos}`}/pod${uid}`
    const config = {
      metadata: {name: o.name, uid, namespace: o.namespace, attempt: 0},
      labels: {
        'io.kubernetes.pod.name': o.name,
        'io.kubernetes.pod.namespace': o.namespace,
        'io.kubernetes.pod.uid': uid,
      },
      annotations: {'kubernetes.io/config.source': 'cadv-test'},
      linux: {cgroup_parent: cgroup, security_context: {namespace_options: {network: 'NODE', pid: 'POD', ipc: 'POD'}}},
    }
    const res = await this.call<{pod_sandbox_id: string}>('RunPodSandbox', {config})
    const pod: Pod = {id: res.pod_sandbox_id, name: o.name, namespace: o.namespace, uid, qos, cgroup, config}
    this.pods.set(pod.id, pod)
    return pod
  }

  /** CreateContainer + StartContainer with the kubelet's container labels; returns the container id. */
  async runContainer(pod: Pod, o: ContainerOptions): Promise<string> {
    const image = await this.rt.importImage()
    const resources: Record<string, number> = {cpu_shares: 2}
    if (o.cpus !== undefined) {
      resources.cpu_period = 100_000
      resources.cpu_quota = Math.round(o.cpus * 100_000)
      resources.cpu_shares = Math.round(o.cpus * 1024)
    }
    if (o.memoryBytes !== undefined) resources.memory_limit_in_bytes = o.memoryBytes
    const config = {
      metadata: {name: o.name, attempt: 0},
      image: {image},
      command: ['/bin/sh', '-c', o.script],
      envs: [{key: 'CADV_CONTAINER', value: o.name}],
      labels: {
        'io.kubernetes.pod.name': pod.name,
        'io.kubernetes.pod.namespace': pod.namespace,
        'io.kubernetes.pod.uid': pod.uid,
        'io.kubernetes.container.name': o.name,
      },
      annotations: {'io.kubernetes.container.restartCount': '0'},
      linux: {resources, security_context: {namespace_options: {network: 'NODE', pid: 'CONTAINER', ipc: 'POD'}}},
    }
    const {container_id: id} = await this.call<{container_id: string}>('CreateContainer', {
      pod_sandbox_id: pod.id,
      config,
      sandbox_config: pod.config,
    })
    await this.call('StartContainer', {container_id: id})
    return id
  }

  /** StopPodSandbox stops every container of the pod; RemovePodSandbox removes them all. */
  async removePod(pod: Pod): Promise<void> {
    await this.call('StopPodSandbox', {pod_sandbox_id: pod.id})
    await this.call('RemovePodSandbox', {pod_sandbox_id: pod.id})
    this.pods.delete(pod.id)
  }

  private async removeAll(): Promise<void> {
    const problems: string[] = []
    for (const pod of [...this.pods.values()]) await this.removePod(pod).catch((err: Error) => problems.push(err.message))
    this.client.close()
    if (problems.length > 0) throw new Error(problems.join('; '))
  }
}
