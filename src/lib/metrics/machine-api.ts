/*
 * /api/v1/machine: the host's facts (cores, memory, kernel, OS) and how this server collects
 * (housekeeping interval, retention), so a page knows how often new samples can arrive and how
 * much history to expect.
 */
import {hostname} from 'node:os'

import type {MachineInfo} from './machine.js'
import {sendJson, type Route} from './http.js'

export interface CollectionSettings {
  housekeepingIntervalMs: number
  maxHousekeepingIntervalMs: number
  dynamicHousekeeping: boolean
  storageDurationMs: number
}

export function machineApi(machine: MachineInfo, settings: CollectionSettings, version: string): Route {
  const body = {hostname: hostname(), ...machine, cadvVersion: version, ...settings}
  return {
    matches: (path) => path === '/api/v1/machine',
    handle: (_req, res) => sendJson(res, 200, {...body, time: new Date().toISOString()}),
  }
}
