/*
 * A container's processes, as `ps` shows them, from cAdvisor's REST API (/api/v2.0/ps/<name>:
 * the processes directly in the cgroup, read from /proc), in a table that sorts by any column.
 * Refreshed every few housekeeping intervals: listing reads a file per process.
 */
import {encodeName, getJson, HttpError, Poller} from './api.js'
import {h, setText} from './dom.js'
import {bytes, pct, shown} from './format.js'
import type {StatusLine} from './status.js'
import {SortableTable, type Column} from './table.js'

/** One process in cAdvisor's JSON (info/v2 ProcessInfo). */
export interface ProcessJson {
  user: string
  pid: number
  parent_pid: number
  start_time: string
  percent_cpu: number
  percent_mem: number
  rss: number
  virtual_size: number
  status: string
  running_time: string
  cgroup_path: string
  cmd: string
  fd_count: number
  psr: number
}

const COLUMNS: Column<ProcessJson>[] = [
  {id: 'cmd', label: 'Command', sort: (p) => p.cmd, text: (p) => shown(p.cmd)},
  {id: 'pid', label: 'PID', numeric: true, sort: (p) => p.pid, text: (p) => String(p.pid)},
  {id: 'ppid', label: 'PPID', numeric: true, sort: (p) => p.parent_pid, text: (p) => String(p.parent_pid)},
  {id: 'user', label: 'User', sort: (p) => p.user, text: (p) => shown(p.user)},
  {
    id: 'cpu',
    label: 'CPU %',
    title: 'CPU time over its lifetime, as ps shows it',
    numeric: true,
    sort: (p) => p.percent_cpu,
    text: (p) => pct(p.percent_cpu),
  },
  {id: 'mem', label: 'Mem %', numeric: true, sort: (p) => p.percent_mem, text: (p) => pct(p.percent_mem)},
  {id: 'rss', label: 'RSS', numeric: true, sort: (p) => p.rss, text: (p) => bytes(p.rss)},
  {id: 'vsz', label: 'Virtual', numeric: true, sort: (p) => p.virtual_size, text: (p) => bytes(p.virtual_size)},
  {id: 'status', label: 'State', title: 'ps STAT', sort: (p) => p.status, text: (p) => p.status},
  {id: 'time', label: 'CPU time', numeric: true, sort: (p) => p.running_time.padStart(12, '0'), text: (p) => p.running_time},
  {id: 'start', label: 'Started', text: (p) => p.start_time},
  {id: 'fds', label: 'FDs', title: 'Open file descriptors', numeric: true, sort: (p) => p.fd_count, text: (p) => String(p.fd_count)},
]

/** The section and its poller; `present` says whether the container is there to be listed. */
export function processSection(
  name: string,
  status: StatusLine,
  intervalMs: number,
  present: () => boolean,
): {el: HTMLElement; poller: Poller} {
  const table = new SortableTable<ProcessJson>(COLUMNS, {
    key: (p) => String(p.pid),
    caption: 'Processes',
    sort: {column: 'cpu', descending: true},
  })
  const note = h('p', {class: 'muted'}, 'loading…')
  const el = h('section', {class: 'card wide', id: 'processes'}, h('h2', {}, 'Processes'), note, h('div', {class: 'scroll'}, table.el))
  const poller = new Poller(
    async () => {
      if (!present()) return
      let rows: ProcessJson[]
      try {
        rows = await getJson<ProcessJson[]>(`api/v2.0/ps${encodeName(name)}`)
      } catch (err) {
        // A container that is gone keeps its last table; the page says it is gone.
        if (err instanceof HttpError && err.status === 404) return
        status.problem('processes', err)
        throw err
      }
      status.ok('processes')
      table.update(rows)
      setText(
        note,
        rows.length === 0
          ? 'No process directly in this cgroup (those of its subcontainers are on their pages).'
          : `${rows.length} process${rows.length === 1 ? '' : 'es'} directly in this cgroup.`,
      )
    },
    Math.max(5000, intervalMs),
  )
  return {el, poller}
}
