// Spec metrics (no kind gates them): limits and shares, and the container's start time.
import type {Family, FamilyModule} from '../../model/index.js'

import {weightToShares} from './reader.js'

const creation: Family = {
  name: 'container_creation_time_seconds',
  type: 'gauge',
  help: 'Container creation time since unix epoch in seconds.',
}
const start: Family = {
  name: 'container_start_time_seconds',
  type: 'gauge',
  help: 'Start time of the container since unix epoch in seconds.',
}
const cpuPeriod: Family = {name: 'container_spec_cpu_period', type: 'gauge', help: 'CPU period of the container.'}
const cpuQuota: Family = {name: 'container_spec_cpu_quota', type: 'gauge', help: 'CPU quota of the container.'}
const cpuShares: Family = {name: 'container_spec_cpu_shares', type: 'gauge', help: 'CPU share of the container.'}
const memLimit: Family = {name: 'container_spec_memory_limit_bytes', type: 'gauge', help: 'Memory limit for the container.'}
const swapLimit: Family = {name: 'container_spec_memory_swap_limit_bytes', type: 'gauge', help: 'Memory swap limit for the container.'}
const reservation: Family = {
  name: 'container_spec_memory_reservation_limit_bytes',
  type: 'gauge',
  help: 'Memory reservation limit for the container.',
}

export const specFamilies: FamilyModule = {
  families: [creation, start, cpuPeriod, cpuQuota, cpuShares, memLimit, swapLimit, reservation],
  write(out, {state, spec, kinds}) {
    const info = state.info
    const createdMs = info?.createdAt?.getTime() ?? state.cgroupCreatedMs ?? state.firstSeenMs
    out.addUntimed(creation, Math.floor(createdMs / 1000))
    // cAdvisor: the runtime's start time, falling back to the creation time.
    out.addUntimed(start, Math.floor((info?.startedAt?.getTime() ?? createdMs) / 1000))
    if (!spec) return
    if (kinds.has('cpu')) {
      if (spec.cpuPeriodUs !== undefined) out.addUntimed(cpuPeriod, spec.cpuPeriodUs)
      if (spec.cpuQuotaUs !== undefined && spec.cpuQuotaUs > 0) out.addUntimed(cpuQuota, spec.cpuQuotaUs)
      const shares = spec.cpuShares ?? (spec.cpuWeight !== undefined ? weightToShares(spec.cpuWeight) : undefined)
      if (shares !== undefined) out.addUntimed(cpuShares, shares)
    }
    if (kinds.has('memory')) {
      // Unlimited is shown as 0, as cAdvisor does.
      out.addUntimed(memLimit, spec.memoryLimitBytes ?? 0)
      out.addUntimed(swapLimit, spec.memorySwapLimitBytes ?? 0)
      out.addUntimed(reservation, spec.memoryReservationBytes ?? 0)
    }
  },
}
