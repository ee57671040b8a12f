/*
 * The keys of the live `cadv stats` table (a terminal in raw mode): what each does to the view,
 * and the line that says so under the table. Pure: bytes in, view changes out; app/stats.ts
 * owns the terminal.
 */
import type {SortKey} from './stats-rows.js'

/** What the table shows; the command line sets it, keys change it. */
export interface StatsView {
  sort: SortKey
  tree: boolean
  all: boolean
  /** Substring filter (`/`); '' for none. */
  search: string
}

/** What one keypress (or a paste) asks for. */
export type KeyResult = 'quit' | 'changed' | undefined

const SORT_BY_KEY: Record<string, SortKey> = {c: 'cpu', m: 'mem', i: 'io', p: 'pids', n: 'name'}

export class StatsKeys {
  /** The filter being typed after `/`, until Enter or Esc. */
  editing: string | undefined

  constructor(readonly view: StatsView) {}

  /** Applies the bytes of one read from the terminal. */
  press(data: string): KeyResult {
    // Escape sequences (arrows, function keys) come as one read: ignored, except a lone Esc.
    if (data.length > 1 && data.startsWith('\u001b')) return undefined
    let result: KeyResult
    for (const ch of data) {
      const r = this.key(ch)
      if (r === 'quit') return 'quit'
      result ??= r
    }
    return result
  }

  private key(ch: string): KeyResult {
    if (ch === '\u0003') return 'quit' // Ctrl-C: raw mode turns off SIGINT
    if (this.editing !== undefined) return this.edit(ch)
    if (ch === 'q' || ch === 'Q') return 'quit'
    const sort = SORT_BY_KEY[ch.toLowerCase()]
    if (sort) return this.set({sort})
    if (ch === 't') return this.set({tree: !this.view.tree})
    if (ch === 'a') return this.set({all: !this.view.all})
    if (ch === '/') {
      this.editing = this.view.search
      return 'changed'
    }
    if (ch === '\u001b' && this.view.search !== '') return this.set({search: ''})
    return undefined
  }

  private edit(ch: string): KeyResult {
    const text = this.editing!
    if (ch === '\r' || ch === '\n') this.editing = undefined
    else if (ch === '\u001b') {
      this.editing = undefined
      this.view.search = ''
    } else if (ch === '\u007f' || ch === '\b') this.editing = [...text].slice(0, -1).join('')
    else if (ch >= ' ') this.editing = text + ch
    else return undefined
    if (this.editing !== undefined) this.view.search = this.editing
    return 'changed'
  }

  private set(change: Partial<StatsView>): KeyResult {
    Object.assign(this.view, change)
    return 'changed'
  }

  /** The line under a live table: the keys, or the filter being typed. */
  footer(): string {
    if (this.editing !== undefined) return `filter: ${this.editing}_   (Enter keeps it, Esc clears it)`
    const search = this.view.search ? `  Esc clear "${this.view.search}"` : ''
    return `q quit  sort: c cpu  m mem  i io  p pids  n name  t tree  a all  / filter${search}`
  }
}
