// FrameWriter on a terminal: a warning line stays readable under the table that is redrawn
// in place, instead of being painted over by the next frame.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {FrameWriter} from '../../../src/lib/output/index.js'

/** A terminal of the given size that remembers what was written. */
function terminal(rows: number, columns: number): NodeJS.WriteStream & {text: string} {
  const t = {isTTY: true, rows, columns, text: '', write: (s: string) => ((t.text += s), true)}
  return t as unknown as NodeJS.WriteStream & {text: string}
}

/** The lines of the last frame drawn, control codes removed. */
function lastFrame(text: string): string[] {
  const frame = text.slice(text.lastIndexOf('\u001b[H') + 3)
  return frame
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .split('\n')
    .filter(Boolean)
}

test('a notice is drawn at once under the table and kept by every later frame', () => {
  const out = terminal(24, 80)
  const w = new FrameWriter(out)
  w.draw('HEADER\nrow1')
  w.notice('cadv stats: warning: inotify watch limit reached')
  assert.deepEqual(lastFrame(out.text), ['HEADER', 'row1', 'cadv stats: warning: inotify watch limit reached'])
  w.draw('HEADER\nrow2')
  assert.deepEqual(lastFrame(out.text), ['HEADER', 'row2', 'cadv stats: warning: inotify watch limit reached'])
})

test('a tall table gives up its last lines so the notice still fits on the screen', () => {
  const out = terminal(6, 80)
  const w = new FrameWriter(out)
  w.notice('warning: w')
  w.draw(['HEADER', ...Array.from({length: 10}, (_, i) => `row${i}`)].join('\n'))
  const lines = lastFrame(out.text)
  assert.ok(lines.length <= 5, lines.join('\n'))
  assert.equal(lines.at(-1), 'warning: w')
  assert.match(lines.at(-2)!, /more lines/)
})
