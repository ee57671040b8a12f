export type {ContainerInfo, ContainerResolver, FactoryCheck, FactoryDecision} from '../model/index.js'
export {FACTORY_ORDER, type Factory, type FactoryAnswer, type FactoryName} from './factory.js'
export {
  DEFAULT_RESOLVER_OPTIONS,
  DEFAULT_TIMEOUT_MS,
  resolverOptions,
  type ResolverOptions,
  type ResolverOptionsInput,
  type RuntimeEndpoint,
} from './options.js'
export {createFactories, decide} from './registry.js'
export {createResolver, type Resolver} from './resolver.js'
export {containerIdTest, filterEnv} from './container-ids.js'
// Individual factories and clients, for tests and for callers that build their own registry.
export {DockerFactory, EngineFactory, type EngineApi} from './docker/factory.js'
export {EngineClient, toEngineContainer, type EngineContainer} from './docker/client.js'
export {PodmanFactory} from './podman/factory.js'
export {ContainerdFactory, type ContainerdApi} from './containerd/factory.js'
export type {ContainerdContainer, ContainerdTask} from './containerd/client.js'
export {CrioFactory, type CrioApi} from './crio/factory.js'
export {CrioClient, type CrioContainer, type CrioInfo} from './crio/client.js'
export {SystemdFactory} from './systemd.js'
export {RawFactory} from './raw.js'
export {RuntimeUnreachable, getJson, parseEndpoint} from './http.js'
