/*
 * YAML, loaded on the first file that needs it. Both YAML files cadv reads are optional (the
 * configuration file and serve's --web.config.file) and most runs have neither, whereas the
 * parser, loaded with the command, stays in the heap for the life of the process: about 3 MiB,
 * in `cadv serve`'s main thread and again in its metrics thread.
 */
import {createRequire} from 'node:module'

import type {parse as Parse} from 'yaml'

let parse: typeof Parse | undefined

/** `yaml`'s parse(), the package loaded on the first call. */
export function parseYaml(text: string): unknown {
  parse ??= (createRequire(import.meta.url)('yaml') as {parse: typeof Parse}).parse
  return parse(text)
}
