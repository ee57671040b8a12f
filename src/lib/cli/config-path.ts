/*
 * Where the optional configuration file is (cli/config-file.ts reads it). Its own module, with
 * nothing but node:fs, so the oclif-free `cadv resolve` path can ask cheaply.
 */
import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * The file to read: $CADV_CONFIG when set (empty: none), else the first of
 * $XDG_CONFIG_HOME/cadv/config.yaml (~/.config/cadv/config.yaml) and /etc/cadv/config.yaml.
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CADV_CONFIG !== undefined) return env.CADV_CONFIG === '' ? undefined : env.CADV_CONFIG
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  return [join(base, 'cadv', 'config.yaml'), '/etc/cadv/config.yaml'].find((p) => existsSync(p))
}
