/*
 * The web UI's one script. The server sends the same small page for every path below
 * containers/; this reads the container's name from the address, asks cadv about the machine,
 * and draws the list or the container.
 */
import {getJson, ROOT, url} from './api.js'
import {containerPage, type PageContext} from './container-page.js'
import {h} from './dom.js'
import {listPage} from './list-page.js'
import {StatusLine} from './status.js'
import type {ContainerRow, MachineJson} from './types.js'

/** The container a path below the root names: '' → list, `containers/a/b` → `/a/b`. */
function route(): {page: 'list'} | {page: 'container'; name: string} | {page: 'unknown'} {
  const path = location.pathname.startsWith(ROOT.pathname) ? location.pathname.slice(ROOT.pathname.length) : ''
  if (!path.startsWith('containers/')) return {page: 'unknown'}
  let rest = path.slice('containers'.length)
  if (rest.length > 1 && rest.endsWith('/')) rest = rest.slice(0, -1)
  if (rest === '/') return {page: 'list'}
  try {
    return {page: 'container', name: rest.split('/').map(decodeURIComponent).join('/')}
  } catch {
    return {page: 'unknown'}
  }
}

async function machineInfo(status: StatusLine): Promise<MachineJson> {
  for (let wait = 500; ; wait = Math.min(wait * 2, 10_000)) {
    try {
      const m = await getJson<MachineJson>('api/v1/machine')
      status.ok('machine')
      return m
    } catch (err) {
      status.problem('machine', err)
      await new Promise((r) => setTimeout(r, wait))
    }
  }
}

async function start(): Promise<void> {
  const status = new StatusLine()
  const main = h('main', {id: 'main', tabindex: '-1'})
  document.body.append(
    h('a', {class: 'skip', href: '#main'}, 'Skip to content'),
    h(
      'header',
      {class: 'top'},
      h('a', {class: 'brand', href: url('containers/')}, 'cadv'),
      h(
        'nav',
        {'aria-label': 'cadv'},
        h('a', {href: url('containers/')}, 'Containers'),
        h('a', {href: url('api/v1/stats')}, 'JSON'),
        h('a', {href: url('healthz')}, 'Health'),
      ),
    ),
    status.el,
    main,
  )
  const where = route()
  if (where.page === 'unknown') {
    main.append(h('h1', {}, 'Nothing here'), h('p', {}, h('a', {href: url('containers/')}, 'All containers')))
    return
  }
  // The list's rows are asked for together with the machine, not after it.
  const first = where.page === 'list' ? getJson<ContainerRow[]>('api/v1/stats') : undefined
  first?.catch(() => undefined)
  const ctx: PageContext = {machine: await machineInfo(status), status}
  if (where.page === 'list') listPage(main, ctx, first)
  else containerPage(main, where.name, ctx)
}

void start()
