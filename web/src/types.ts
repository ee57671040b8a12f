/*
 * The JSON the pages read, as cadv's API sends it (src/lib/metrics/api.ts, stats-api.ts,
 * machine-api.ts). Samples, specs and stats rows are the model's own types.
 */
import type {ContainerSpec, Sample} from '../../src/lib/model/sample.js'
import type {ContainerRow} from '../../src/lib/model/stats-row.js'

export type {ContainerRow, ContainerSpec, Sample}

/** /api/v1/containers/<name> */
export interface ContainerJson {
  name: string
  factory: string | null
  id: string | null
  aliases: string[]
  image: string | null
  labels: Record<string, string>
  namespace?: string
  pod?: string
  container?: string
  firstSeen: string
  spec: ContainerSpec | null
  samples: Sample[]
}

/** /api/v1/machine */
export interface MachineJson {
  hostname: string
  cpuCores: number
  memoryBytes: number
  swapBytes: number
  kernelVersion: string
  osVersion: string
  cadvVersion: string
  housekeepingIntervalMs: number
  maxHousekeepingIntervalMs: number
  dynamicHousekeeping: boolean
  storageDurationMs: number
  time: string
}
