// Every way a command line can fail ends in one line: `<bin> <command>: <what>`, in words.
import {test} from 'node:test'
import assert from 'node:assert/strict'

import {CONTEXT, errorLine, exitCodeOf, reportError} from '../../../src/lib/cli/errors.js'

const stats = {command: 'stats', flags: ['--interval', '--once', '--no-stream', '--sort', '--filter', '-a', '--all', '--help']}

test("oclif's parser messages in our words, with a suggestion when one is close", () => {
  assert.equal(
    errorLine({message: 'Nonexistent flag: --sortt\nSee more help with --help'}, stats),
    'unknown flag --sortt (did you mean --sort?); cadv help stats lists them',
  )
  assert.equal(
    errorLine({message: 'Nonexistent flag: --zzz\nSee more help with --help'}, stats),
    'unknown flag --zzz; cadv help stats lists them',
  )
  assert.equal(
    errorLine({message: 'Unexpected argument: extra\nSee more help with --help'}, stats),
    'unexpected argument "extra": cadv stats takes none',
  )
  assert.equal(
    errorLine({message: 'Expected --sort=cpux to be one of: cpu, mem, io, pids, name\nSee more help with --help'}, stats),
    '--sort cpux: expected one of cpu, mem, io, pids, name (did you mean cpu?)',
  )
  assert.equal(
    errorLine({
      message: 'The following error occurred:\n  --watch-only=true cannot also be provided when using --once\nSee more help with --help',
    }),
    '--watch-only and --once cannot be used together',
  )
  assert.equal(
    errorLine({message: 'Parsing --interval \n\tinvalid duration "5": missing unit\nSee more help with --help'}),
    '--interval: invalid duration "5": missing unit',
  )
})

test('errno names become words', () => {
  assert.equal(
    errorLine(new Error('cannot listen on 127.0.0.1:8080: EADDRINUSE')),
    'cannot listen on 127.0.0.1:8080: address already in use',
  )
  assert.equal(errorLine(new Error('--cgroup-root /x: ENOENT')), '--cgroup-root /x: no such file or directory')
  assert.equal(errorLine(new Error('EXAMPLE is not an errno')), 'EXAMPLE is not an errno')
  assert.equal(
    errorLine(new Error("web config /x: ENOENT: no such file or directory, open '/x'")),
    "web config /x: no such file or directory, open '/x'",
    "Node's own message already has the words",
  )
  assert.equal(
    errorLine(new Error('cannot use redis://127.0.0.1:6379: connect ECONNREFUSED 127.0.0.1:6379')),
    'cannot use redis://127.0.0.1:6379: connection refused (127.0.0.1:6379)',
  )
  // Name lookups: ENOTFOUND is Node's own code, not in the errno table; EAI_* are.
  assert.equal(
    errorLine(new Error('cannot listen on nosuch.invalid:8080: ENOTFOUND')),
    'cannot listen on nosuch.invalid:8080: no such host',
  )
  assert.equal(errorLine(new Error('cannot use influxdb: getaddrinfo EAI_AGAIN influx')), 'cannot use influxdb: temporary failure (influx)')
})

test('one line on stderr with the command, the exit status asked for, nothing for an exit', () => {
  let text = ''
  const sink = {write: (s: string) => ((text += s), true)} as unknown as NodeJS.WritableStream
  const err = Object.assign(new Error('first line\nsecond line'), {exitCode: 2, [CONTEXT]: {command: 'serve'}})
  assert.equal(reportError(err, 'cadv', sink), 2)
  assert.equal(text, 'cadv serve: first line\n')
  text = ''
  assert.equal(reportError(new Error('no command'), 'cadvisor', sink), 1)
  assert.equal(text, 'cadvisor: no command\n')
  text = ''
  assert.equal(reportError(Object.assign(new Error('EEXIT: 0'), {code: 'EEXIT', oclif: {exit: 0}}), 'cadv', sink), 0)
  assert.equal(text, '')
  assert.equal(exitCodeOf({oclif: {exit: 2}}), 2)
})
