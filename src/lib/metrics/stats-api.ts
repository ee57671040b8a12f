/*
 * /api/v1/stats: every container as a row of `cadv stats --json` (raw numbers, rates derived
 * from its two newest samples) plus its image and aliases, sorted by name. One small request
 * gives a list page everything it shows, where /api/v1/containers would need two samples per
 * container to derive a rate. `?prefix=/a` keeps /a and the containers below it.
 */
import {nameDepth} from '../cgroups/index.js'
import type {ContainerRow, ContainerState, ContainerView} from '../model/index.js'
import {rowOf} from '../output/index.js'
import {sendJson, type Route} from './http.js'

const PATH = '/api/v1/stats'

export function containerRow(state: ContainerState, hostMemoryBytes: number | undefined): ContainerRow {
  const aliases = state.info?.aliases ?? []
  const row: ContainerRow = {
    ...(rowOf(state, hostMemoryBytes) ?? {
      name: state.name,
      container: aliases[0] ?? state.name,
      factory: state.info?.factory ?? 'raw',
      depth: nameDepth(state.name),
      memoryLimited: false,
      idle: false,
    }),
    aliases,
  }
  if (state.info?.id) row.id = state.info.id
  if (state.info?.image) row.image = state.info.image
  return row
}

/** True when `name` is `prefix` or lies below it. */
export function underPrefix(name: string, prefix: string): boolean {
  return prefix === '/' || name === prefix || name.startsWith(`${prefix}/`)
}

export function statsApi(view: ContainerView, hostMemoryBytes: number | undefined): Route {
  return {
    matches: (path) => path === PATH,
    handle(_req, res, url) {
      let prefix = url.searchParams.get('prefix') ?? '/'
      if (!prefix.startsWith('/')) {
        sendJson(res, 400, {error: 'prefix is a container name and starts with /'})
        return
      }
      if (prefix.length > 1) prefix = prefix.replace(/\/+$/, '')
      const rows: ContainerRow[] = []
      for (const c of view.containers()) if (underPrefix(c.name, prefix)) rows.push(containerRow(c, hostMemoryBytes))
      rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      sendJson(res, 200, rows)
    },
  }
}
