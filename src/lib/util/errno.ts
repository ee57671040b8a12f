/*
 * System errors in words. Messages say "no such file or directory", not ENOENT: the name is
 * for programs, the words are for people. Node's own table (libuv's strerror texts) is the
 * source, so every code it knows has its words.
 */
import {getSystemErrorMap} from 'node:util'

let byName: Map<string, string> | undefined

/**
 * Node's table has getaddrinfo's EAI_* codes but not ENOTFOUND, its own name for a host that
 * does not exist (`--listen nosuchhost:8080` said only ENOTFOUND).
 */
const LOOKUP_CODES: Record<string, string> = {ENOTFOUND: 'no such host'}

/** The words for an errno name (`EADDRINUSE` → `address already in use`), or undefined. */
export function errnoText(code: string | undefined): string | undefined {
  if (code === undefined) return undefined
  if (!byName) byName = new Map([...getSystemErrorMap().values()].map(([name, text]) => [name, text]))
  return byName.get(code) ?? (Object.hasOwn(LOOKUP_CODES, code) ? LOOKUP_CODES[code] : undefined)
}

/** What went wrong with a system call, in words: the errno's text, else the message. */
export function systemErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  return errnoText(e?.code) ?? (e?.message || String(err))
}
