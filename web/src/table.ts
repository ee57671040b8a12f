/*
 * A table of rows kept by key: an update changes only the cells whose text changed and moves
 * rows only when the order changed, so a list of 1,000 containers redraws cheaply every
 * second. Column headers are buttons: click or Enter sorts, again reverses.
 */
import {h, setText} from './dom.js'
import {sortRows, type SortKey} from './filter.js'

export interface Column<R> {
  id: string
  label: string
  /** Longer explanation, shown on hover. */
  title?: string
  numeric?: boolean
  /** What sorting by this column compares; columns without it do not sort. */
  sort?: SortKey<R>['value']
  /** The cell's text. */
  text: (row: R) => string
  /** A link for the cell's text. */
  href?: (row: R) => string
  /** Indentation in steps (the container tree). */
  indent?: (row: R) => number
  /** A tooltip for the cell. */
  cellTitle?: (row: R) => string | undefined
}

interface RowEls {
  tr: HTMLTableRowElement
  cells: (HTMLElement | undefined)[]
}

export interface TableOptions<R> {
  key: (row: R) => string
  caption: string
  sort: {column: string; descending: boolean}
  onSort?: (column: string, descending: boolean) => void
}

export class SortableTable<R> {
  readonly el: HTMLTableElement
  private readonly body: HTMLTableSectionElement
  private readonly rows = new Map<string, RowEls>()
  private readonly headers = new Map<string, HTMLTableCellElement>()
  private order: string[] = []
  private last: R[] = []
  sortColumn: string
  descending: boolean

  constructor(
    private readonly columns: Column<R>[],
    private readonly options: TableOptions<R>,
  ) {
    this.sortColumn = options.sort.column
    this.descending = options.sort.descending
    const headRow = h('tr')
    for (const c of columns) {
      const th = h('th', {scope: 'col', class: c.numeric ? 'num' : undefined, title: c.title})
      if (c.sort) {
        const button = h('button', {type: 'button', class: 'sort'}, c.label)
        button.addEventListener('click', () => this.sortBy(c.id))
        th.appendChild(button)
      } else th.textContent = c.label
      this.headers.set(c.id, th)
      headRow.appendChild(th)
    }
    this.body = h('tbody')
    this.el = h('table', {class: 'rows'}, h('caption', {class: 'visually-hidden'}, options.caption), h('thead', {}, headRow), this.body)
    this.markSort()
  }

  sortBy(column: string, descending?: boolean): void {
    const c = this.columns.find((x) => x.id === column)
    if (!c?.sort) return
    if (descending !== undefined) this.descending = descending
    else if (this.sortColumn === column) this.descending = !this.descending
    else this.descending = !!c.numeric
    this.sortColumn = column
    this.markSort()
    this.options.onSort?.(this.sortColumn, this.descending)
    this.update(this.last)
  }

  private markSort(): void {
    for (const [id, th] of this.headers) {
      if (id === this.sortColumn) th.setAttribute('aria-sort', this.descending ? 'descending' : 'ascending')
      else th.removeAttribute('aria-sort')
    }
  }

  /** Shows exactly these rows, sorted. */
  update(rows: R[]): void {
    this.last = rows
    const col = this.columns.find((c) => c.id === this.sortColumn)
    const sorted = col?.sort ? sortRows([...rows], {id: col.id, value: col.sort}, this.descending, this.options.key) : rows
    const keys: string[] = []
    const seen = new Set<string>()
    for (const r of sorted) {
      const k = this.options.key(r)
      keys.push(k)
      seen.add(k)
      let els = this.rows.get(k)
      if (!els) {
        els = this.makeRow()
        this.rows.set(k, els)
      }
      this.fill(els, r)
    }
    for (const [k, els] of this.rows) {
      if (seen.has(k)) continue
      els.tr.remove()
      this.rows.delete(k)
    }
    if (!sameOrder(keys, this.order)) {
      const frag = document.createDocumentFragment()
      for (const k of keys) frag.appendChild(this.rows.get(k)!.tr)
      this.body.appendChild(frag)
      this.order = keys
    }
  }

  get size(): number {
    return this.rows.size
  }

  private makeRow(): RowEls {
    const tr = h('tr')
    const cells: (HTMLElement | undefined)[] = []
    for (const c of this.columns) {
      const td = c === this.columns[0] ? h('th', {scope: 'row'}) : h('td', {class: c.numeric ? 'num' : undefined})
      let inner: HTMLElement | undefined
      if (c.href) {
        inner = h('a')
        td.appendChild(inner)
      }
      tr.appendChild(td)
      cells.push(inner ?? td)
    }
    return {tr, cells}
  }

  private fill(els: RowEls, row: R): void {
    this.columns.forEach((c, i) => {
      const el = els.cells[i]!
      setText(el, c.text(row))
      if (c.href) {
        const href = c.href(row)
        if (el.getAttribute('href') !== href) el.setAttribute('href', href)
      }
      const td = el.tagName === 'A' ? el.parentElement! : el
      if (c.indent) {
        const level = String(Math.min(c.indent(row), 12))
        if (td.dataset.indent !== level) td.dataset.indent = level
      }
      if (c.cellTitle) {
        const t = c.cellTitle(row)
        if (t === undefined) td.removeAttribute('title')
        else if (td.getAttribute('title') !== t) td.setAttribute('title', t)
      }
    })
  }
}

function sameOrder(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
