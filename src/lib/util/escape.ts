/*
 * Names cadv prints come from cgroup directories and runtimes, which anyone who can create a
 * cgroup or a container controls. Shown raw on a terminal, an ESC starts an escape sequence
 * (move the cursor, rewrite the screen, set the window title), a newline forges a table row
 * or a log line, and bidirectional overrides reorder what is read. Every human-readable
 * output passes names through escapeControl; JSON outputs need nothing (JSON escapes them).
 */

// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI), line/paragraph separators and the
// bidirectional embedding, override and isolate characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}

function visible(c: string): string {
  const named = NAMED[c]
  if (named !== undefined) return named
  const code = c.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * The text with every control character shown visibly: a newline as `\n`, a tab as `\t`, ESC
 * as `\x1b`, U+202E as `\u202e`. Backslashes are left as they are: systemd's own escapes
 * (`dev-disk-by\x2duuid-….swap`) are part of real cgroup names and print as systemd shows them.
 */
export function escapeControl(text: string): string {
  return TEST.test(text) ? text.replace(CONTROL, visible) : text
}
