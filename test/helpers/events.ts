import {isUnder} from '../../src/lib/cgroups/index.js'
import type {ContainerEvent, ContainerEventType} from '../../src/lib/model/index.js'
import {until} from './wait.js'

/** Collects the events under one test root and answers "how many", "in what order", "wait until". */
export class EventLog {
  readonly events: ContainerEvent[] = []

  constructor(private readonly root: string) {}

  readonly push = (e: ContainerEvent): void => {
    if (isUnder(e.name, this.root)) this.events.push(e)
  }

  /** Feeds NDJSON text (a CLI's stdout) line by line; a partial last line waits for more. */
  private pending = ''
  feed(chunk: string): void {
    const lines = (this.pending + chunk).split('\n')
    this.pending = lines.pop()!
    for (const l of lines) if (l.trim()) this.push(JSON.parse(l) as ContainerEvent)
  }

  count(type: ContainerEventType, name: string): number {
    return this.events.filter((e) => e.type === type && e.name === name).length
  }

  /** `+name` / `-name` in order, with names relative to the root (`+a/b`, `-a`). */
  sequence(): string[] {
    return this.events.map(
      (e) => `${e.type === 'ContainerAdd' ? '+' : '-'}${e.name === this.root ? '' : e.name.slice(this.root.length + 1)}`,
    )
  }

  /** Waits until `done()`; the timeout message ends with the events seen last. */
  async until(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
    await until(what, done, {timeoutMs, everyMs: 10, detail: () => `got ${this.sequence().join(' ')}`})
  }

  /** Waits until no event has come for `quietMs`, so late duplicates would have shown up. */
  async settle(quietMs: number, timeoutMs = 60_000): Promise<void> {
    let n = -1
    await until(
      `no events for ${quietMs} ms`,
      () => {
        const quiet = n === this.events.length
        n = this.events.length
        return quiet
      },
      {timeoutMs, everyMs: quietMs},
    )
  }

  /** Every name seen, with how many adds and deletes it got. */
  tally(): Map<string, {adds: number; deletes: number}> {
    const m = new Map<string, {adds: number; deletes: number}>()
    for (const e of this.events) {
      const t = m.get(e.name) ?? {adds: 0, deletes: 0}
      if (e.type === 'ContainerAdd') t.adds++
      else t.deletes++
      m.set(e.name, t)
    }
    return m
  }
}
