// Bounded reads: only regular files, never a blocking open or an endless read, and a size cap.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {readBoundedText, UnreadableFileError} from '../../../src/lib/util/index.js'
import {FileParseError, OpenFiles} from '../../../src/lib/stats/index.js'

let dir: string
let socketServer: Server

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadv-bounded-'))
  execFileSync('mkfifo', [join(dir, 'fifo')])
  symlinkSync('/dev/zero', join(dir, 'zero'))
  writeFileSync(join(dir, 'small'), 'a 1\nb 2\n')
  writeFileSync(join(dir, 'big'), '')
  truncateSync(join(dir, 'big'), 100 * 1024 * 1024)
  socketServer = createServer()
  await new Promise<void>((r) => socketServer.listen(join(dir, 'sock'), () => r()))
})

after(() => {
  socketServer.close()
  rmSync(dir, {recursive: true, force: true})
})

test('readBoundedText refuses a FIFO, a device and a socket at once, and a file past its cap', () => {
  assert.equal(readBoundedText(join(dir, 'small')), 'a 1\nb 2\n')
  assert.throws(
    () => readBoundedText(join(dir, 'fifo')),
    (e: unknown) => e instanceof UnreadableFileError && /is a FIFO, not a regular file/.test(e.message),
  )
  assert.throws(() => readBoundedText(join(dir, 'zero')), /zero: is a character device, not a regular file/)
  assert.throws(() => readBoundedText(join(dir, 'sock')), /sock: is a socket, not a regular file/)
  assert.throws(() => readBoundedText(join(dir, 'big')), /big: larger than 8 MiB/)
  assert.throws(() => readBoundedText(join(dir, 'small'), 4), /small: larger than 4 bytes/)
  assert.equal(readBoundedText(join(dir, 'small'), 8), 'a 1\nb 2\n', 'exactly the cap is fine')
  assert.throws(() => readBoundedText(join(dir, 'missing')), /ENOENT/)
})

test('OpenFiles: a FIFO, a device or an oversized file is a parse error of that file, never a hang', () => {
  const files = new OpenFiles(10, 1024 * 1024)
  for (const [name, reason] of [
    ['fifo', /is a FIFO/],
    ['zero', /is a character device/],
    ['sock', /is a socket/],
    ['big', /larger than 1 MiB/],
  ] as const) {
    for (const keep of [true, false]) {
      assert.throws(
        () => files.read(join(dir, name), keep),
        (e: unknown) => e instanceof FileParseError && reason.test(e.message) && e.message.startsWith(join(dir, name)),
      )
    }
  }
  assert.equal(files.read(join(dir, 'small')), 'a 1\nb 2\n', 'the buffer is usable after a refused file')
  assert.equal(files.countLines(join(dir, 'small')), 2)
  assert.equal(files.openCount, 1, 'nothing refused is kept open')
  files.closeAll()
})

test('OpenFiles: a kept file that grows past the cap is refused on its next read', () => {
  const path = join(dir, 'growing')
  writeFileSync(path, 'x 1\n')
  const files = new OpenFiles(10, 64)
  assert.equal(files.read(path), 'x 1\n')
  writeFileSync(path, 'y'.repeat(65))
  assert.throws(() => files.read(path), /growing: larger than 64 bytes/)
  writeFileSync(path, 'x 2\n')
  assert.equal(files.read(path), 'x 2\n')
  files.closeAll()
})
