// Out of file descriptors (EMFILE): kept cgroup files are given back so reading goes on (said
// once, counted), and the server lives through a full descriptor table.
// Run in a child process under `ulimit -n 256` (test/helpers/emfile-child.ts).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

import {get, idleConnections} from '../../helpers/http-client.js'

const CHILD = fileURLToPath(new URL('../../helpers/emfile-child.ts', import.meta.url))

test('EMFILE: kept files are given back and it is said once; the server lives through a full table', async () => {
  // The child fills whatever table it has; the limit only has to leave room for tsx to load
  // the metrics and stats modules, which it opens many at a time (64 stopped being enough).
  const child = spawn('sh', ['-c', 'ulimit -n 256 && exec "$@"', 'sh', process.execPath, '--import', 'tsx', CHILD], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({input: child.stdout!})[Symbol.asyncIterator]()
  const next = async (): Promise<Record<string, unknown>> => JSON.parse((await lines.next()).value as string) as Record<string, unknown>
  try {
    const files = await next()
    assert.equal(files.read, 'x 1\n', 'the read succeeded with the table full')
    assert.equal(files.shortages, 1)
    assert.equal(files.said, 1)
    assert.ok((files.kept as number) < 10, 'kept descriptors were given back')

    const {port} = (await next()) as {port: number}
    // The server's table is full: these connections are accepted and dropped by libuv (EMFILE).
    const sockets = await idleConnections(port, 20, '127.0.0.1')
    for (const s of sockets) s.destroy()
    child.stdin!.write('free\n')
    // libuv drops connections it cannot accept by itself (its reserve descriptor); an error it
    // does pass on is counted and said at most once a minute, never an unhandled 'error'.
    const freed = (await next()) as {acceptShortages: number; warnings: string[]}
    assert.ok(freed.warnings.length <= 1, freed.warnings.join('\n'))
    assert.equal(freed.warnings.length, Math.min(1, freed.acceptShortages))
    assert.equal((await get(`http://127.0.0.1:${port}/healthz`)).status, 200, 'alive and serving')
    child.stdin!.write('stop\n')
    assert.equal((await next()).step, 'stopped')
  } finally {
    child.kill('SIGKILL')
  }
})
