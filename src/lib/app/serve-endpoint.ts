/*
 * `cadv serve`'s endpoint limits from its flags: how the descriptor limit is split between
 * kept cgroup files and connections (stats descriptorBudget), the per-client cap and the body
 * timeout. The budget is this process's own limit (/proc/self/limits), not --proc-root's.
 */
import {descriptorBudget, openFileLimit} from '../stats/index.js'

export interface EndpointFlagValues {
  'max-connections'?: number
  'max-connections-per-client': number
  'request-body-timeout': number
  'max-open-files'?: number
}

export interface EndpointLimits {
  maxOpenFiles: number
  maxConnections: number
  maxConnectionsPerClient: number
  bodyTimeoutMs: number
}

/** Throws DescriptorBudgetError (exit 2) when --max-open-files and --max-connections do not fit. */
export function endpointLimits(flags: EndpointFlagValues): EndpointLimits {
  const budget = descriptorBudget(openFileLimit('/proc'), {openFiles: flags['max-open-files'], connections: flags['max-connections']})
  return {
    maxOpenFiles: budget.openFiles,
    maxConnections: budget.connections,
    maxConnectionsPerClient: flags['max-connections-per-client'],
    bodyTimeoutMs: flags['request-body-timeout'],
  }
}
