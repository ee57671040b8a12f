/*
 * The oclif-free paths (src/lib/cli/fast-*.ts) keep flag tables of their own: each must hold
 * exactly the command's flags as oclif knows them (oclif.manifest.json, made by the build), with
 * the same shapes.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import type {FastSpec} from '../../src/lib/cli/fast-args.js'
import {runCli} from './cli.js'

interface ManifestFlag {
  name: string
  type: 'boolean' | 'option'
  multiple?: boolean
  char?: string
  env?: string
  aliases?: string[]
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
