// --metrics-thread-priority: the thread that answers scrapes asks for a lower nice value for
// itself alone (root may; the main thread and Node's helpers keep the process's), and without
// CAP_SYS_NICE serve runs as it always did. Seen from outside, as `ps -L` sees it.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'

import {ServeProcess} from '../helpers/serve.js'

const skip = process.getuid?.() !== 0 ? 'needs root to lower a nice value (CI runs as root)' : undefined

/** The nice value of each thread of a process, by thread id (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceByThread(pid: number): Map<number, number> {
  const out = new Map<number, number>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1')
      // Fields after the command name, which may hold spaces: state is field 3, nice field 19.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(Number(tid), Number(fields[16]))
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return out
}

async function threadsOf(args: string[], launcher: string[] = []): Promise<{main: number; others: number[]}> {
  const serve = await new ServeProcess([...args, '--raw-cgroup-prefix-whitelist', '/nonexistent-prefix'], {}, [], launcher).ready()
  try {
    // It still answers scrapes, whatever its priority.
    assert.equal((await fetch(`${serve.url}/metrics`)).status, 200)
    const pid = serve.child.pid!
    const nice = niceByThread(pid)
    return {main: nice.get(pid)!, others: [...nice].filter(([tid]) => tid !== pid).map(([, n]) => n)}
  } finally {
    await serve.stop()
  }
}

test('the metrics thread alone runs 10 nice steps below the process by default', {skip}, async () => {
  const {main, others} = await threadsOf([])
  const target = Math.max(-20, main - 10)
  assert.equal(others.filter((n) => n === target).length, 1, `nice values: main ${main}, others ${others.join(' ')}`)
  assert.ok(
    others.filter((n) => n !== target).every((n) => n === main),
    `others ${others.join(' ')}`,
  )
})

test('--metrics-thread-priority 3 asks for 3 steps; 0 for none', {skip}, async () => {
  const three = await threadsOf(['--metrics-thread-priority', '3'])
  assert.equal(three.others.filter((n) => n === Math.max(-20, three.main - 3)).length, 1, `others ${three.others.join(' ')}`)
  const none = await threadsOf(['--metrics-thread-priority', '0'])
  assert.ok(
    none.others.every((n) => n === none.main),
    `others ${none.others.join(' ')}`,
  )
})

test('without CAP_SYS_NICE the thread keeps the process priority and serve runs as before', {skip}, async () => {
  // Root without CAP_SYS_NICE in its bounding set: node starts without the capability.
  const {main, others} = await threadsOf([], ['setpriv', '--bounding-set', '-sys_nice'])
  assert.ok(
    others.every((n) => n === main),
    `others ${others.join(' ')}`,
  )
})
