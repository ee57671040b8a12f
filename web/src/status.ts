/*
 * One line under the header that says when cadv cannot be reached or refuses: polling goes on,
 * and the line goes away with the first answer that works.
 */
import {h, setText} from './dom.js'
import {HttpError} from './api.js'

export class StatusLine {
  readonly el: HTMLElement
  private readonly problems = new Map<string, string>()

  constructor() {
    this.el = h('p', {class: 'status', role: 'status', 'aria-live': 'polite', hidden: true})
  }

  problem(source: string, err: unknown): void {
    let text: string
    if (err instanceof HttpError) {
      text =
        err.status === 401
          ? 'cadv asks for credentials (HTTP 401): reload the page to sign in'
          : err.status === 429
            ? 'cadv is rate-limiting requests (HTTP 429); retrying'
            : `${err.message}; retrying`
    } else text = `cadv cannot be reached (${err instanceof Error ? err.message : String(err)}); retrying`
    this.problems.set(source, text)
    this.show()
  }

  ok(source: string): void {
    if (this.problems.delete(source)) this.show()
  }

  private show(): void {
    const first = this.problems.values().next()
    this.el.hidden = first.done === true
    setText(this.el, first.done ? '' : first.value)
  }
}
