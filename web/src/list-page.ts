/*
 * /containers/: the machine (its filesystems' usage too), the root cgroup's CPU and memory, and
 * every container in a list that sorts by any column and filters by name, image, factory, CPU
 * and memory. The list is redrawn from /api/v1/stats every housekeeping interval; sort and
 * filter live in the address.
 */
import {getJson, Poller} from './api.js'
import {containerColumns, type ListView} from './columns.js'
import {ContainerCharts} from './container-charts.js'
import type {PageContext} from './container-page.js'
import {h, setText} from './dom.js'
import {filesystemGauges} from './filesystems.js'
import {FilterSyntaxError, matchesFilter, parseFilter, type Filter} from './filter.js'
import {bytes, duration, pct, shown} from './format.js'
import {History} from './series.js'
import {SortableTable} from './table.js'
import type {ContainerJson, ContainerRow} from './types.js'

function meter(label: string, id: string): {el: HTMLElement; meter: HTMLMeterElement; text: HTMLElement} {
  const m = h('meter', {id, min: 0, max: 1, value: 0, low: 0.7, high: 0.9, optimum: 0})
  const text = h('span', {class: 'value'}, '--')
  return {el: h('div', {class: 'gauge'}, h('label', {for: id}, label), m, text), meter: m, text}
}

/**
 * `first` is the list asked for while the page was still learning about the machine (the
 * biggest request, started as early as possible).
 */
export function listPage(main: HTMLElement, ctx: PageContext, first?: Promise<ContainerRow[]>): void {
  const {machine, status} = ctx
  document.title = `${shown(machine.hostname)} · cadv`
  const params = new URLSearchParams(location.search)

  const cpu = meter('CPU', 'gauge-cpu')
  const mem = meter('Memory', 'gauge-mem')
  const facts = h('dl', {class: 'facts'})
  const fact = (k: string, v: string) => facts.append(h('div', {}, h('dt', {}, k), h('dd', {}, v)))
  fact('Host', machine.hostname)
  fact('OS', machine.osVersion)
  fact('Kernel', machine.kernelVersion)
  fact('CPUs', String(machine.cpuCores))
  fact('Memory', bytes(machine.memoryBytes))
  if (machine.swapBytes > 0) fact('Swap', bytes(machine.swapBytes))
  fact('Housekeeping', `every ${duration(machine.housekeepingIntervalMs)}, ${duration(machine.storageDurationMs)} kept`)
  fact('cadv', machine.cadvVersion)

  const filesystems = filesystemGauges(status)
  const rootCharts = new ContainerCharts(h('div', {class: 'charts'}), ['cpu-total', 'memory'], 120)

  const view: ListView = {tree: true, baseDepth: 0}
  const columns = containerColumns(view)
  const sortIds = columns.filter((c) => c.sort).map((c) => c.id)
  const wantSort = params.get('sort') ?? 'name'
  const table = new SortableTable<ContainerRow>(columns, {
    key: (r) => r.name,
    caption: 'Containers',
    sort: {column: sortIds.includes(wantSort) ? wantSort : 'name', descending: params.get('desc') === '1'},
    onSort: (column, descending) => {
      view.tree = column === 'name' && !descending
      remember()
      redraw()
    },
  })
  view.tree = table.sortColumn === 'name' && !table.descending

  const filterInput = h('input', {
    id: 'filter',
    type: 'search',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'name, image, factory:docker, cpu>50, mem>100MiB',
    'aria-describedby': 'filter-help',
  })
  filterInput.value = params.get('filter') ?? ''
  const hideIdle = h('input', {id: 'hide-idle', type: 'checkbox'})
  hideIdle.checked = params.get('idle') === '0'
  const filterError = h('p', {id: 'filter-error', class: 'error', role: 'alert', hidden: true})
  const countLine = h('p', {id: 'filter-help', class: 'muted', 'aria-live': 'polite'})

  main.append(
    h('h1', {}, `Containers on ${shown(machine.hostname)}`),
    h(
      'section',
      {class: 'card machine', 'aria-label': 'Machine'},
      facts,
      h('div', {class: 'gauges', 'aria-label': 'Usage of the whole host'}, cpu.el, mem.el, filesystems.el),
    ),
    rootCharts.el,
    h(
      'section',
      {class: 'card wide', 'aria-labelledby': 'list-title'},
      h('h2', {id: 'list-title'}, 'Containers'),
      h(
        'div',
        {class: 'controls'},
        h('label', {for: 'filter'}, 'Filter'),
        filterInput,
        h('label', {class: 'check'}, hideIdle, ' hide idle cgroups'),
      ),
      filterError,
      countLine,
      h('div', {class: 'scroll'}, table.el),
    ),
  )

  let rows: ContainerRow[] = []
  let filter: Filter = {words: [], fields: [], numbers: []}
  const readFilter = (): void => {
    try {
      filter = parseFilter(filterInput.value)
      filterError.hidden = true
      filterInput.removeAttribute('aria-invalid')
    } catch (err) {
      if (!(err instanceof FilterSyntaxError)) throw err
      setText(filterError, err.message)
      filterError.hidden = false
      filterInput.setAttribute('aria-invalid', 'true')
    }
  }
  const remember = (): void => {
    const p = new URLSearchParams()
    if (filterInput.value.trim()) p.set('filter', filterInput.value.trim())
    if (table.sortColumn !== 'name') p.set('sort', table.sortColumn)
    if (table.descending) p.set('desc', '1')
    if (hideIdle.checked) p.set('idle', '0')
    const q = p.toString()
    history.replaceState(null, '', q ? `?${q}` : location.pathname)
  }
  const redraw = (): void => {
    const visible = rows.filter((r) => r.name !== '/' && !(hideIdle.checked && r.idle) && matchesFilter(r, filter))
    table.update(visible)
    setText(countLine, `${visible.length} of ${rows.length - 1} containers${visible.length < rows.length - 1 ? ' match' : ''}`)
    const root = rows.find((r) => r.name === '/')
    if (root) {
      const cpuShare = root.cpuPercent === undefined ? undefined : root.cpuPercent / machine.cpuCores
      cpu.meter.value = (cpuShare ?? 0) / 100
      setText(cpu.text, cpuShare === undefined ? '--' : `${pct(cpuShare)} of ${machine.cpuCores} CPUs`)
      const used = root.memoryUsageBytes
      mem.meter.value = used === undefined || !machine.memoryBytes ? 0 : used / machine.memoryBytes
      setText(mem.text, used === undefined ? '--' : `${bytes(used)} of ${bytes(machine.memoryBytes)}`)
    }
  }
  readFilter()
  filterInput.addEventListener('input', () => {
    readFilter()
    remember()
    redraw()
  })
  filterInput.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && filterInput.value) {
      filterInput.value = ''
      readFilter()
      remember()
      redraw()
    }
  })
  hideIdle.addEventListener('change', () => {
    remember()
    redraw()
  })
  // `/` finds the filter from anywhere but a text field, as in many lists.
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement | null
    if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && t?.tagName !== 'INPUT' && t?.tagName !== 'TEXTAREA') {
      e.preventDefault()
      filterInput.focus()
    }
  })
  // Up and down arrows move between the containers' links.
  table.el.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    const tr = (e.target as HTMLElement).closest('tr')
    const next = e.key === 'ArrowDown' ? tr?.nextElementSibling : tr?.previousElementSibling
    const link = next?.querySelector('a')
    if (link) {
      e.preventDefault()
      link.focus()
    }
  })

  const rootHistory = new History(Math.max(machine.storageDurationMs, 10 * machine.housekeepingIntervalMs))
  const rootPoller = new Poller(async () => {
    const last = rootHistory.lastMs
    let c: ContainerJson
    try {
      c = await getJson<ContainerJson>(`api/v1/containers/?${last === undefined ? 'count=-1' : `since=${last}`}`)
    } catch (err) {
      status.problem('root', err)
      throw err
    }
    status.ok('root')
    rootHistory.add(c.samples)
    rootCharts.update(rootHistory.samples, null)
  }, machine.housekeepingIntervalMs)

  let pending = first
  let firstDraw = true
  new Poller(async () => {
    try {
      const prefetched = pending
      pending = undefined
      rows = (await prefetched?.catch(() => undefined)) ?? (await getJson<ContainerRow[]>('api/v1/stats'))
    } catch (err) {
      status.problem('list', err)
      throw err
    }
    status.ok('list')
    redraw()
    if (firstDraw) {
      firstDraw = false
      // The host's charts only once the list is drawn: the list is what the page is for.
      rootPoller.start()
      filesystems.poller.start()
      // For measuring (bench/web.bench.ts): navigation to the first full list on the screen; a
      // timeout set in the frame's callback runs once that frame is painted.
      const rows = table.size
      requestAnimationFrame(() => setTimeout(() => performance.mark('cadv:list-drawn', {detail: {rows}})))
    }
  }, machine.housekeepingIntervalMs).start()
}
