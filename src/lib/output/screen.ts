/**
 * Where successive frames (tables) go. Live on a terminal, each frame replaces the previous one
 * in place: cursor home, each line cleared to its end, the rest of the screen cleared, and lines
 * cut to the terminal's size so nothing scrolls. Anywhere else — a pipe, a file, or a terminal
 * given one table (`--once`) — frames follow each other separated by a blank line, whole, with
 * no control codes at all, so they stay in the scrollback.
 */
export class FrameWriter {
  private frames = 0
  private last: {body: string; footer: readonly string[]} | undefined
  /** Lines kept under the table on a terminal (the newest few), see notice(). */
  private readonly notices: string[] = []

  constructor(
    private readonly out: NodeJS.WriteStream,
    readonly live = Boolean(out.isTTY),
  ) {}

  /** Columns of the terminal, or undefined off a terminal (nothing is cut to a width there). */
  get width(): number | undefined {
    return this.out.isTTY ? this.out.columns || 80 : undefined
  }

  /**
   * Draws one frame. `footer` lines (key help, a filter being typed) stay at the bottom of a
   * live frame however tall the table is; off a terminal they are not written.
   */
  draw(body: string, footer: readonly string[] = []): void {
    if (!this.live) {
      this.out.write((this.frames++ > 0 ? '\n' : '') + body + '\n')
      return
    }
    this.last = {body, footer}
    const rows = this.out.rows || 24
    const cols = this.out.columns || 80
    let lines = body.split('\n')
    // The notices and the footer always fit: the table gives up its last lines for them.
    const kept = [...this.notices, ...footer]
    const room = Math.max(2, rows - 1 - kept.length)
    if (lines.length > room) {
      const hidden = lines.length - (room - 1)
      lines = [...lines.slice(0, room - 1), `… ${hidden} more lines (a taller terminal or a filter shows them)`]
    }
    lines = [...lines, ...kept].map((l) => cut(l, cols))
    const start = this.frames++ === 0 ? '\u001b[?25l\u001b[H\u001b[2J' : '\u001b[H'
    this.out.write(start + lines.map((l) => l + '\u001b[K').join('\n') + '\n\u001b[J')
  }

  /** Draws the last frame again (the terminal was resized, a notice arrived). */
  redraw(): void {
    if (this.last !== undefined) this.draw(this.last.body, this.last.footer)
  }

  /**
   * A line that must stay readable on a terminal (a fallback warning). Text written to the
   * terminal between frames would be cleared by the next one, so it is kept under the table
   * and drawn with every frame from now on (the newest three). Only for live frames.
   */
  notice(line: string): void {
    this.notices.push(line)
    if (this.notices.length > 3) this.notices.shift()
    this.redraw()
  }

  /** Gives the terminal its cursor back. */
  close(): void {
    if (this.live && this.frames > 0) this.out.write('\u001b[?25h')
  }
}

/** A line cut to `cols` visible characters; SGR colour codes take no room and are kept whole. */
export function cut(line: string, cols: number): string {
  if (visibleLength(line) <= cols) return line
  let visible = 0
  let out = ''
  for (let i = 0; i < line.length && visible < cols - 1;) {
    const sgr = /^\u001b\[[0-9;]*m/.exec(line.slice(i, i + 16))
    const piece = sgr ? sgr[0] : String.fromCodePoint(line.codePointAt(i)!)
    if (!sgr) visible++
    out += piece
    i += piece.length
  }
  return out + '…' + (out.includes('\u001b[') ? '\u001b[0m' : '')
}

/** Characters a line takes on the screen (SGR codes excluded). */
export function visibleLength(line: string): number {
  return [...line.replace(/\u001b\[[0-9;]*m/g, '')].length
}
