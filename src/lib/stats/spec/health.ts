// container_health_state (no kind gates it): the runtime's health-check status.
import type {Family, FamilyModule} from '../../model/index.js'

const health: Family = {name: 'container_health_state', type: 'gauge', help: "The result of the container's health check"}

/** cAdvisor's values: 1 healthy, 0 any other status (starting, unhealthy), -1 without a health check. */
export function healthValue(status: string | undefined): number {
  if (status === undefined) return -1
  return status === 'healthy' ? 1 : 0
}

export const healthFamilies: FamilyModule = {
  families: [health],
  write(out, {state, sample}) {
    // As cAdvisor: with the container's stats (a container not read yet has no series).
    if (sample) out.add(health, healthValue(state.info?.health))
  },
}
