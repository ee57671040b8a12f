/*
 * System errors in words. Messages say "no such file or directory", not ENOENT: the name is
 * for programs, the words are for people. Node's own table (libuv's strerror texts) is the
 * source, so every code it knows has its words.
 */
import {getSystemErrorMap} from 'node:util'

let byName: Map<string, string> | undefined

/** The words for an errno name (`EADDRINUSE` → `address already in use`), or undefined. */
export function errnoText(code: string | undefined): string | undefined {
  if (code === undefined) return undefined
  if (!byName) byName = new Map([...getSystemErrorMap().values()].map(([name, text]) => [name, text]))
  return byName.get(code)
}

/** What went wrong with a system call, in words: the errno's text, else the message. */
export function systemErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  return errnoText(e?.code) ?? (e?.message || String(err))
}
