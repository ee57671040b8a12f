/*
 * Building the DOM. Every string becomes a text node or an attribute value, never markup: names,
 * labels and images come from cgroups and runtimes and may hold `<`, `>` and quotes. (The
 * server's policy enforces it too: Trusted Types with no policy make any HTML sink throw.)
 */
type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | number | boolean | undefined>

/** `h('a', {href: 'x', class: 'y'}, 'text', child)`: attributes set with setAttribute, children appended as nodes or text. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, ...children)
  return el
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c)
  }
}

/** Sets an element's text only when it changed (a cheap update for tables redrawn every second). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text
}

/** Replaces an element's children. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren()
  append(el, ...children)
}
