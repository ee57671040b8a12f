/**
 * Where successive frames (tables) go. On a terminal each frame replaces the previous one in
 * place: cursor home, each line cleared to its end, the rest of the screen cleared, and lines cut
 * to the terminal's size so nothing scrolls. Anywhere else frames follow each other separated by
 * a blank line, with no control codes at all.
 */
export class FrameWriter {
  private frames = 0
  private last: string | undefined
  /** Lines kept under the table on a terminal (the newest few), see notice(). */
  private readonly notices: string[] = []

  constructor(
    private readonly out: NodeJS.WriteStream,
    readonly tty = Boolean(out.isTTY),
  ) {}

  draw(frame: string): void {
    if (!this.tty) {
      this.out.write((this.frames++ > 0 ? '\n' : '') + frame + '\n')
      return
    }
    this.last = frame
    const rows = this.out.rows || 24
    const cols = this.out.columns || 80
    let lines = frame.split('\n')
    // The notices always fit: the table gives up its last lines for them.
    const room = Math.max(2, rows - 1 - this.notices.length)
    if (lines.length > room) {
      const hidden = lines.length - (room - 1)
      lines = [...lines.slice(0, room - 1), `… ${hidden} more lines (a taller terminal, --filter or --depth shows them)`]
    }
    lines = [...lines, ...this.notices]
    lines = lines.map((l) => (l.length > cols ? l.slice(0, cols - 1) + '…' : l))
    const start = this.frames++ === 0 ? '\u001b[?25l\u001b[H\u001b[2J' : '\u001b[H'
    this.out.write(start + lines.map((l) => l + '\u001b[K').join('\n') + '\n\u001b[J')
  }

  /**
   * A line that must stay readable on a terminal (a fallback warning). Text written to the
   * terminal between frames would be cleared by the next one, so it is kept under the table
   * and drawn with every frame from now on (the newest three). Only for terminals.
   */
  notice(line: string): void {
    this.notices.push(line)
    if (this.notices.length > 3) this.notices.shift()
    if (this.last !== undefined) this.draw(this.last)
  }

  /** Gives the terminal its cursor back. */
  close(): void {
    if (this.tty && this.frames > 0) this.out.write('\u001b[?25h')
  }
}
