/*
 * podman's client is the Docker Engine API client pointed at `podman system service`'s socket:
 * the compatible API answers inspect with the same fields (cAdvisor uses it the same way).
 */
import {EngineClient} from '../docker/client.js'
import type {RuntimeEndpoint} from '../options.js'

export function podmanClient(config: RuntimeEndpoint): EngineClient {
  return new EngineClient('podman', config)
}
