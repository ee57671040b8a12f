/*
 * /containers/<name>: one container. Its retained samples on first load, then every sample
 * since the last one seen, every housekeeping interval. A container that goes keeps its charts
 * and says so; one that comes back (the same name re-created) starts a new history.
 */
import {encodeName, getJson, HttpError, pageOf, Poller, url} from './api.js'
import {containerColumns, type ListView} from './columns.js'
import {ContainerCharts} from './container-charts.js'
import {h, replaceChildren, setText} from './dom.js'
import {eventSection} from './events.js'
import {depthOf} from './filter.js'
import {bytes, clock, duration, shown} from './format.js'
import {processSection} from './processes.js'
import {History} from './series.js'
import type {StatusLine} from './status.js'
import {SortableTable} from './table.js'
import type {ContainerJson, ContainerRow, ContainerSpec, MachineJson} from './types.js'

export interface PageContext {
  machine: MachineJson
  status: StatusLine
}

/** Links to each container above this one, then its own last part. */
function breadcrumbs(name: string): HTMLElement {
  const nav = h('nav', {class: 'crumbs', 'aria-label': 'Container path'})
  const list = h('ol')
  list.append(h('li', {}, h('a', {href: url('containers/')}, 'containers')))
  if (name !== '/') {
    const parts = name.split('/').slice(1)
    parts.forEach((p, i) => {
      const path = `/${parts.slice(0, i + 1).join('/')}`
      list.append(
        h('li', {}, i === parts.length - 1 ? h('span', {'aria-current': 'page'}, shown(p)) : h('a', {href: pageOf(path)}, shown(p))),
      )
    })
  }
  nav.append(list)
  return nav
}

function facts(rows: [string, string | undefined][]): HTMLElement {
  const dl = h('dl', {class: 'facts'})
  for (const [k, v] of rows) if (v !== undefined && v !== '') dl.append(h('div', {}, h('dt', {}, k), h('dd', {}, shown(v))))
  return dl
}

function specFacts(spec: ContainerSpec | null, machine: MachineJson): [string, string | undefined][] {
  if (!spec) return [['Limits', 'not read yet']]
  const cpuLimit =
    spec.cpuQuotaUs !== undefined && spec.cpuPeriodUs
      ? `${Number.parseFloat((spec.cpuQuotaUs / spec.cpuPeriodUs).toFixed(3))} CPUs (quota ${spec.cpuQuotaUs} µs per ${spec.cpuPeriodUs} µs)`
      : `none (${machine.cpuCores} CPUs on the host)`
  return [
    ['CPU limit', cpuLimit],
    ['CPU shares', spec.cpuShares === undefined ? undefined : String(spec.cpuShares)],
    ['CPU weight', spec.cpuWeight === undefined ? undefined : String(spec.cpuWeight)],
    ['CPU set', spec.cpusetCpus],
    [
      'Memory limit',
      spec.memoryLimitBytes === undefined ? `none (${bytes(machine.memoryBytes)} on the host)` : bytes(spec.memoryLimitBytes),
    ],
    ['Memory reservation', spec.memoryReservationBytes === undefined ? undefined : bytes(spec.memoryReservationBytes)],
    ['Swap limit', spec.memorySwapLimitBytes === undefined ? undefined : bytes(spec.memorySwapLimitBytes)],
    ['PIDs limit', spec.pidsLimit === undefined ? undefined : String(spec.pidsLimit)],
  ]
}

function labelsTable(labels: Record<string, string>): HTMLElement {
  const keys = Object.keys(labels).sort()
  if (keys.length === 0) return h('p', {class: 'muted'}, 'No labels.')
  const body = h('tbody')
  for (const k of keys) body.append(h('tr', {}, h('th', {scope: 'row'}, shown(k)), h('td', {}, shown(labels[k]!))))
  return h(
    'table',
    {class: 'labels'},
    h('caption', {class: 'visually-hidden'}, 'Labels'),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Label'), h('th', {scope: 'col'}, 'Value'))),
    body,
  )
}

export function containerPage(main: HTMLElement, name: string, ctx: PageContext): void {
  const {machine, status} = ctx
  const title = h('h1', {}, shown(name))
  const state = h('p', {class: 'state', role: 'status'}, 'loading…')
  const about = h('div', {class: 'about'})
  const chartsEl = h('div', {class: 'charts'})
  const charts = new ContainerCharts(chartsEl)
  const specEl = h('div')
  const labelsEl = h('div')
  const subsView: ListView = {tree: true, baseDepth: depthOf(name)}
  const subs = new SortableTable<ContainerRow>(containerColumns(subsView), {
    key: (r) => r.name,
    caption: 'Subcontainers',
    sort: {column: 'name', descending: false},
  })
  const subsSection = h('section', {class: 'card wide', hidden: true}, h('h2', {}, 'Subcontainers'), h('div', {class: 'scroll'}, subs.el))
  const processes = processSection(name, status, machine.housekeepingIntervalMs, () => exists === true)
  const events = eventSection(name, status, machine.housekeepingIntervalMs)
  const json = h('a', {href: url(`api/v1/containers${encodeName(name)}?count=-1`)}, 'samples as JSON')
  main.append(
    breadcrumbs(name),
    title,
    state,
    about,
    chartsEl,
    h(
      'div',
      {class: 'columns'},
      h('section', {class: 'card'}, h('h2', {}, 'Limits'), specEl),
      h('section', {class: 'card'}, h('h2', {}, 'Labels'), labelsEl),
    ),
    subsSection,
    processes.el,
    events.el,
    h('p', {class: 'muted'}, json),
  )

  const history = new History(Math.max(machine.storageDurationMs, 10 * machine.housekeepingIntervalMs))
  let current: ContainerJson | undefined
  let metaKey = ''
  let goneAt: number | undefined
  /** Whether the container was there at the last look (undefined before the first). */
  let exists: boolean | undefined

  const showMeta = (c: ContainerJson): void => {
    const key = JSON.stringify([c.factory, c.id, c.aliases, c.image, c.labels, c.spec, c.namespace, c.pod, c.container, c.firstSeen])
    if (key === metaKey) return
    metaKey = key
    const display = shown(c.aliases[0] ?? name)
    document.title = `${display} · cadv`
    setText(title, display)
    replaceChildren(
      about,
      facts([
        ['Cgroup', c.aliases[0] ? name : undefined],
        ['Factory', c.factory ?? undefined],
        ['ID', c.id ?? undefined],
        ['Image', c.image ?? undefined],
        ['Aliases', c.aliases.length > 1 ? c.aliases.slice(1).join(', ') : undefined],
        ['Namespace', c.namespace],
        ['Pod', c.pod],
        ['Container', c.container],
        ['First seen', new Date(c.firstSeen).toLocaleString()],
      ]),
    )
    replaceChildren(specEl, facts(specFacts(c.spec, machine)))
    replaceChildren(labelsEl, labelsTable(c.labels))
  }

  const live = (): string =>
    `Live: a sample every ${duration(machine.housekeepingIntervalMs)}${machine.dynamicHousekeeping ? ` (up to ${duration(machine.maxHousekeepingIntervalMs)} while nothing changes)` : ''}; the charts keep ${duration(machine.storageDurationMs)}.`

  const markGone = (): void => {
    if (current && goneAt === undefined) goneAt = Date.now()
    setText(
      state,
      current
        ? `Gone at ${clock(goneAt!)}: the charts keep its last samples; they go on if it comes back.`
        : `No container ${shown(name)} (yet): this page waits for it.`,
    )
    state.className = 'state gone'
  }

  // Each interval: the container and those below it (the subcontainers' table, and whether it
  // exists at all: a page never asks for the samples of a container that is not there), then
  // its samples since the last one shown.
  const samples = new Poller(async () => {
    let rows: ContainerRow[]
    try {
      rows = await getJson<ContainerRow[]>(`api/v1/stats?prefix=${encodeURIComponent(name)}`)
    } catch (err) {
      status.problem('container', err)
      throw err
    }
    status.ok('container')
    const depth = depthOf(name) + 1
    const direct = rows.filter((r) => r.name !== name && depthOf(r.name) === depth)
    subsSection.hidden = direct.length === 0
    subs.update(direct)
    exists = rows.some((r) => r.name === name)
    if (!exists) return markGone()

    const last = history.lastMs
    let c: ContainerJson
    try {
      c = await getJson<ContainerJson>(`api/v1/containers${encodeName(name)}?${last === undefined ? 'count=-1' : `since=${last}`}`)
    } catch (err) {
      // Gone between the two requests.
      if (err instanceof HttpError && err.status === 404) return markGone()
      status.problem('samples', err)
      throw err
    }
    status.ok('samples')
    goneAt = undefined
    // The same name re-created: counters start again, so does the history.
    if (current && current.firstSeen !== c.firstSeen) history.clear()
    current = c
    history.add(c.samples)
    showMeta(c)
    setText(state, live())
    state.className = 'state live'
    charts.update(history.samples, c.spec)
  }, machine.housekeepingIntervalMs)

  samples.start()
  processes.poller.start()
  events.poller.start()
}
