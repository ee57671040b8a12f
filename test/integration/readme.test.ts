// README's command lines are real: every `cadv` in a code block or an inline code span names
// a command that exists with flags that command takes (and option values it accepts); every
// flag named in a command's section belongs to that command or to a command named beside it;
// and every code-block line without a placeholder runs, on a fixture tree, without an error.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {CADVISOR_FLAGS} from '../../src/lib/cli/cadvisor-flags.js'
import {CADV, cliEnv} from '../helpers/cli.js'

interface Flag {
  name: string
  type: 'boolean' | 'option'
  char?: string
  aliases?: string[]
  allowNo?: boolean
  options?: string[]
}
const root = fileURLToPath(new URL('../../', import.meta.url))
const manifest = JSON.parse(readFileSync(`${root}oclif.manifest.json`, 'utf8')) as {commands: Record<string, {flags: Record<string, Flag>}>}
const readme = readFileSync(`${root}README.md`, 'utf8')
/** cadv serve also takes cAdvisor's flags in Go's syntax (cli/cadvisor-flags.ts): `--port`, `-docker_only`. */
const cadvisorFlag = (cmd: string, written: string): boolean =>
  cmd === 'serve' && written.replace(/^--?/, '').replace(/=.*/, '') in CADVISOR_FLAGS
/** Node's own options, which README names where it explains what cadv does about them (or how it was measured). */
const NODE_OPTIONS = [
  'inspect',
  'inspect-brk',
  'inspect-wait',
  'cpu-prof',
  'optimize-for-size',
  'no-optimize-for-size',
  'single-threaded-gc',
  'no-concurrent-recompilation',
  // How the metrics thread's compiles were found (serve section, session 28).
  'perf-basic-prof',
  'trace-opt',
  'trace-deopt',
  'no-flush-bytecode',
  // What serve's slow RSS-floor rise in the soak is (soak section, session 28).
  'trace-gc',
  'trace-evacuation-candidates',
  'compact-on-every-full-gc',
]
// Commands of plugins (shell completion) are not in our manifest.
const PLUGIN_COMMANDS: Record<string, string[]> = {autocomplete: ['--refresh-cache', '-r']}

/** Shell words of a command line (quotes removed), comments dropped. */
function words(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let quote: string | undefined
  let any = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quote) {
      if (ch === quote) quote = undefined
      else cur += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      any = true
    } else if (ch === '#' && cur === '' && !any) break
    else if (/\s/.test(ch)) {
      if (cur !== '' || any) out.push(cur)
      cur = ''
      any = false
    } else if ('|;&'.includes(ch)) {
      if (cur !== '' || any) out.push(cur)
      out.push(ch)
      cur = ''
      any = false
    } else cur += ch
  }
  if (cur !== '' || any) out.push(cur)
  return out
}

/** What is wrong with one cadv invocation (the words after `cadv`), or undefined. */
function problem(args: string[]): string | undefined {
  const [cmd, ...rest] = args
  // `cadv <command> -h`: a placeholder, not a command line.
  if (cmd === undefined || cmd.startsWith('-') || cmd.startsWith('<')) return undefined
  if (cmd in PLUGIN_COMMANDS) {
    const bad = rest.find((a) => a.startsWith('-') && !PLUGIN_COMMANDS[cmd]!.includes(a))
    return bad && `cadv ${cmd} takes no ${bad}`
  }
  const c = manifest.commands[cmd]
  if (!c) return `no command "${cmd}"`
  const flags = Object.entries(c.flags).map(([name, f]) => ({...f, name}))
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!
    if (a === '-h' || a === '--help' || a === '-' || !a.startsWith('-')) continue
    const long = /^--(?:no-)?([a-z0-9][\w-]*)(=.*)?$/.exec(a)
    const f = long
      ? flags.find((x) => x.name === long[1] || x.aliases?.includes(long[1]!) || (a.startsWith('--no-') && x.allowNo && x.name === long[1]))
      : flags.find(
          (x) =>
            x.char !== undefined &&
            a
              .slice(1)
              .split('')
              .every((ch) => flags.some((y) => y.char === ch)) &&
            a.includes(x.char),
        )
    if (!f) {
      if (!cadvisorFlag(cmd, a)) return `cadv ${cmd} takes no ${a}`
      if (!a.includes('=') && CADVISOR_FLAGS[a.replace(/^--?/, '')]!.type !== 'bool') i++
      continue
    }
    if (f.type === 'option' && long && !long[2]) {
      const value = rest[++i]
      if (f.options && value !== undefined && !value.includes('<') && !f.options.includes(value))
        return `cadv ${cmd} ${a}: ${value} is not one of ${f.options.join(', ')}`
    }
  }
  return undefined
}

/** The cadv invocations in a line of shell: each one's words after `cadv`. */
function invocations(line: string): string[][] {
  const w = words(line)
  const out: string[][] = []
  for (let i = 0; i < w.length; i++) {
    const at =
      w[i] === 'cadv' || w[i] === 'cadvisor' ? i : w[i] === 'npx' && w[i + 1] === '--no-install' && w[i + 2] === 'cadv' ? i + 2 : -1
    if (at < 0) continue
    let end = at + 1
    while (end < w.length && !['|', ';', '&'].includes(w[end]!)) end++
    // `cadvisor` is `cadv serve` with cAdvisor's command line.
    out.push(w[at] === 'cadvisor' ? ['serve', ...w.slice(at + 1, end).filter((a) => !/^--?(help|version)$/.test(a))] : w.slice(at + 1, end))
    i = end
  }
  return out
}

const blocks = [...readme.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)].flatMap((m) =>
  m[1]!.split('\n').filter((l) => l.trim() !== ''),
)
const spans = [...readme.matchAll(/`(cadv [^`]+)`/g)].map((m) => m[1]!)

test('every cadv in README names a command and flags that command takes', () => {
  const problems = [...blocks, ...spans].flatMap((line) =>
    invocations(line)
      .map((args) => problem(args))
      .filter(Boolean)
      .map((p) => `${p}   (in: ${line.trim()})`),
  )
  assert.deepEqual(problems, [])
})

test("every flag named in a command's section is that command's, or a command's named beside it", () => {
  const problems: string[] = []
  const sections = readme.split(/^(?=### `cadv \w+`)/m).slice(1)
  for (const section of sections) {
    const cmd = /^### `cadv (\w+)`/.exec(section)![1]!
    const body = section.split(/^## /m)[0]!.replace(/^```[\s\S]*?^```/gm, '')
    for (const paragraph of body.split(/\n\s*\n/)) {
      const named = [cmd, ...[...paragraph.matchAll(/cadv (\w+)/g)].map((m) => m[1]!).filter((c) => c in manifest.commands)]
      for (const m of paragraph.matchAll(/`[^`]*`/g)) {
        for (const f of m[0].matchAll(/(?<![\w-])--(?:\[no-\])?([a-z][\w-]*)(\.\w)?/g)) {
          const name = f[1]!
          // A dotted flag is Prometheus's (--web.enable-remote-write-receiver); cadv's have no dots.
          if (f[2] !== undefined) continue
          if (name === 'help' || name === 'version' || NODE_OPTIONS.includes(name) || named.some((c) => cadvisorFlag(c, `--${name}`)))
            continue
          const owners = named.filter(
            (c) => manifest.commands[c] && Object.keys(manifest.commands[c]!.flags).some((k) => k === name || `no-${k}` === name),
          )
          if (owners.length === 0) problems.push(`cadv ${cmd} section: --${name} is not a flag of ${[...new Set(named)].join(' or ')}`)
        }
      }
    }
  }
  assert.deepEqual(problems, [])
})

/**
 * Lines that run: no placeholder, nothing in the background, no package manager or network,
 * and no server (a serve without --once, cadvisor) that would listen on the network.
 */
const runnable = blocks.filter((l) => {
  const code = l.replace(/\s+#.*$/, '')
  if (invocations(l).length === 0 || /[<…]|\.\.\.|&\s*$|\bcurl\b|\bnpm\b|\bsudo\b/.test(code)) return false
  return !/\bcadvisor\b(?!.*-help)|\bcadv serve\b(?!.*--once)/.test(code)
})

test('README has command lines to run', () => assert.ok(runnable.length >= 10, runnable.join('\n')))

// A few at a time: the lines that keep running take their whole 6 s each.
describe('README runs', {concurrency: 4}, () => {
  for (const line of runnable) {
    test(line.replace(/\s+#.*$/, '').trim(), async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cadv-readme-'))
      try {
        writeFileSync(join(dir, 'cadv'), `#!/bin/sh\nexec "${process.execPath}" "${CADV}" "$@"\n`)
        chmodSync(join(dir, 'cadv'), 0o755)
        writeFileSync(join(dir, 'cadvisor'), `#!/bin/sh\nexec "${process.execPath}" "${CADV.replace(/run\.js$/, 'cadvisor.js')}" "$@"\n`)
        chmodSync(join(dir, 'cadvisor'), 0o755)
        const fixtures = `${root}test/fixtures/`
        const env = cliEnv({
          ...process.env,
          PATH: `${dir}:${process.env.PATH}`,
          CADV_CGROUP_ROOT: `${fixtures}cgroup_v2/basic`,
          CADV_PROC_ROOT: `${fixtures}proc/basic`,
          CADV_DOCKER: 'unix:///nonexistent/docker.sock',
          CADV_PODMAN: 'unix:///nonexistent/podman.sock',
          CADV_CONTAINERD: '/nonexistent/containerd.sock',
          CADV_CRIO: '/nonexistent/crio.sock',
          HOME: dir,
        })
        const child = spawn('bash', ['-o', 'pipefail', '-c', line], {cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
        let stderr = ''
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
        child.stdout.resume()
        // A line that keeps running (a live table, a watch) passes if it is still running cleanly.
        const timer = setTimeout(() => process.kill(-child.pid!, 'SIGTERM'), 6000)
        const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])))
        clearTimeout(timer)
        assert.doesNotMatch(stderr, /^cadv[\w ]*: (?!warning:)/m, `an error:\n${stderr}`)
        const ended = signal === null && code !== 143
        if (ended) assert.ok(code === 0 || (code === 1 && /--expect/.test(line)), `exit ${code}:\n${stderr}`)
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  }
})
