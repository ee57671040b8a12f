/**
 * Where successive frames (tables) go. On a terminal each frame replaces the previous one in
 * place: cursor home, each line cleared to its end, the rest of the screen cleared, and lines cut
 * to the terminal's size so nothing scrolls. Anywhere else frames follow each other separated by
 * a blank line, with no control codes at all.
 */
export class FrameWriter {
  private frames = 0

  constructor(
    private readonly out: NodeJS.WriteStream,
    readonly tty = Boolean(out.isTTY),
  ) {}

  draw(frame: string): void {
    if (!this.tty) {
      this.out.write((this.frames++ > 0 ? '\n' : '') + frame + '\n')
      return
    }
    const rows = this.out.rows || 24
    const cols = this.out.columns || 80
    let lines = frame.split('\n')
    if (lines.length > rows - 1) {
      const hidden = lines.length - (rows - 2)
      lines = [...lines.slice(0, rows - 2), `… ${hidden} more lines (a taller terminal, --filter or --depth shows them)`]
    }
    lines = lines.map((l) => (l.length > cols ? l.slice(0, cols - 1) + '…' : l))
    const start = this.frames++ === 0 ? '\u001b[?25l\u001b[H\u001b[2J' : '\u001b[H'
    this.out.write(start + lines.map((l) => l + '\u001b[K').join('\n') + '\n\u001b[J')
  }

  /** Gives the terminal its cursor back. */
  close(): void {
    if (this.tty && this.frames > 0) this.out.write('\u001b[?25h')
  }
}
