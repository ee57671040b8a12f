/*
 * The columns of a container list (the list page and a container's subcontainers), in the
 * units of `cadv stats`.
 */
import {pageOf} from './api.js'
import {depthOf} from './filter.js'
import {bytes, bytesPerSecond, count, MISSING, pct, shown} from './format.js'
import type {Column} from './table.js'
import type {ContainerRow} from './types.js'

export interface ListView {
  /** Sorted by name A to Z: show the tree (last part of each name, indented). */
  tree: boolean
  /** Depth the tree's indentation starts from (a container page's own depth). */
  baseDepth: number
}

function lastPart(name: string): string {
  return name === '/' ? '/' : name.slice(name.lastIndexOf('/') + 1)
}

export function containerColumns(view: ListView): Column<ContainerRow>[] {
  return [
    {
      id: 'name',
      label: 'Cgroup',
      title: 'The container name: its cgroup path',
      sort: (r) => r.name,
      text: (r) => shown(view.tree && r.name !== '/' ? lastPart(r.name) : r.name),
      href: (r) => pageOf(r.name),
      indent: (r) => (view.tree ? Math.max(0, depthOf(r.name) - view.baseDepth - 1) : 0),
      cellTitle: (r) => (view.tree ? shown(r.name) : undefined),
    },
    {id: 'alias', label: 'Name', title: "The runtime's name for it", sort: (r) => r.aliases[0], text: (r) => shown(r.aliases[0] ?? '')},
    {id: 'factory', label: 'Factory', title: 'Which runtime owns it', sort: (r) => r.factory, text: (r) => r.factory},
    {id: 'image', label: 'Image', sort: (r) => r.image, text: (r) => shown(r.image ?? '')},
    {
      id: 'cpu',
      label: 'CPU %',
      title: 'CPU over the last interval; 100% is one core',
      numeric: true,
      sort: (r) => r.cpuPercent,
      text: (r) => pct(r.cpuPercent),
    },
    {
      id: 'mem',
      label: 'Memory',
      title: 'Working set (usage less inactive file cache)',
      numeric: true,
      sort: (r) => r.memoryUsageBytes,
      text: (r) => bytes(r.memoryUsageBytes),
    },
    {
      id: 'memPct',
      label: 'Mem %',
      title: "Working set against the container's limit, or the host's memory when it has none",
      numeric: true,
      sort: (r) => r.memoryPercent,
      text: (r) => pct(r.memoryPercent),
      cellTitle: (r) =>
        r.memoryLimitBytes === undefined
          ? undefined
          : `of ${bytes(r.memoryLimitBytes)}${r.memoryLimited ? ' (its limit)' : ' (host memory)'}`,
    },
    {id: 'netRx', label: 'Net in', numeric: true, sort: (r) => r.netRxBytesPerSec, text: (r) => bytesPerSecond(r.netRxBytesPerSec)},
    {id: 'netTx', label: 'Net out', numeric: true, sort: (r) => r.netTxBytesPerSec, text: (r) => bytesPerSecond(r.netTxBytesPerSec)},
    {
      id: 'blockRead',
      label: 'Read',
      title: 'Block device reads',
      numeric: true,
      sort: (r) => r.blockReadBytesPerSec,
      text: (r) => bytesPerSecond(r.blockReadBytesPerSec),
    },
    {
      id: 'blockWrite',
      label: 'Write',
      title: 'Block device writes',
      numeric: true,
      sort: (r) => r.blockWriteBytesPerSec,
      text: (r) => bytesPerSecond(r.blockWriteBytesPerSec),
    },
    {
      id: 'pids',
      label: 'PIDs',
      title: 'Tasks (threads included) in it and below',
      numeric: true,
      sort: (r) => r.pids,
      text: (r) => (r.pids === undefined ? MISSING : count(r.pids)),
    },
  ]
}
