/*
 * The oclif-free paths (src/lib/cli/fast-*.ts) keep flag tables of their own: each must hold
 * exactly the command's flags as oclif knows them (oclif.manifest.json, made by the build), with
 * the same shapes.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {parseFast, type FastSpec} from '../../src/lib/cli/fast-args.js'
import {runCli} from './cli.js'

interface ManifestFlag {
  name: string
  type: 'boolean' | 'option'
  multiple?: boolean
  char?: string
  env?: string
  aliases?: string[]
  helpValue?: string
  default?: unknown
}

export function assertSameFlags(command: string, table: Record<string, FastSpec>): void {
  const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
    commands: Record<string, {flags: Record<string, ManifestFlag>}>
  }
  const flags = manifest.commands[command]!.flags
  assert.deepEqual(Object.keys(table).sort(), Object.keys(flags).sort())
  for (const [name, f] of Object.entries(flags)) {
    const s = table[name]!
    assert.equal(s.type, f.type === 'boolean' ? 'boolean' : 'string', name)
    assert.equal(s.multiple ?? false, f.multiple ?? false, name)
    assert.equal(s.short, f.char, name)
    assert.equal(s.env, f.env, name)
    assert.deepEqual(s.aliases ?? [], f.aliases ?? [], name)
    // Duration flags (cli/duration-flag.ts) are parsed by parseFast, from the same default text.
    assert.equal(s.duration !== undefined, f.helpValue === '<duration>', `${name}: a duration on one path only`)
    if (s.duration) assert.equal(s.duration.default, f.default, `${name}: default`)
  }
}

/**
 * The lower limit of each named duration flag is the same on both paths: just below it the
 * fast path hands the command line to oclif, which refuses it (exit 2); at it, the fast path
 * takes it and oclif does not name the flag (the run fails on a missing cgroup root instead).
 */
export async function assertSameDurationFloors(command: string, table: Record<string, FastSpec>, names: string[]): Promise<void> {
  for (const name of names) {
    const min = table[name]!.duration!.minMs!
    assert.ok(min > 0, `${name} has no lower limit to compare`)
    const below = [`--${name}`, `${min - 1}ms`]
    const at = [`--${name}`, `${min}ms`]
    assert.equal(parseFast(below, table), undefined, `${name} ${min - 1}ms: the fast path took it`)
    assert.equal(parseFast(at, table)?.ms(name), min, `${name} ${min}ms`)
    const oclif = {env: {...process.env, CADV_NO_FAST_PATH: '1'}}
    const refused = await runCli([command, ...below, '--cgroup-root', '/nonexistent/cadv'], oclif)
    assert.equal(refused.code, 2, refused.stderr)
    assert.match(refused.stderr, new RegExp(`--${name}: invalid duration`))
    const taken = await runCli([command, ...at, '--cgroup-root', '/nonexistent/cadv'], oclif)
    assert.doesNotMatch(taken.stderr, new RegExp(`--${name}`))
  }
}

/** Runtime endpoints where nothing listens: no runtime is asked, whatever the host runs. */
export const ABSENT_RUNTIMES = [
  '--docker',
  '/nonexistent/d.sock',
  '--podman',
  '/nonexistent/p.sock',
  '--containerd',
  '/nonexistent/c.sock',
  '--crio',
  '/nonexistent/r.sock',
]

/**
 * Runs `cadv <args>` through the fast path and through oclif: the same stdout and stderr
 * (each through `normalize`: the clock differs between two runs) and the same exit status.
 */
export async function assertSameAsOclif(args: string[], normalize: (text: string) => string = (t) => t): Promise<void> {
  const fast = await runCli(args)
  const slow = await runCli(args, {env: {...process.env, CADV_NO_FAST_PATH: '1'}})
  assert.equal(normalize(fast.stdout), normalize(slow.stdout))
  assert.equal(normalize(fast.stderr), normalize(slow.stderr))
  assert.equal(fast.code, slow.code)
}
