/*
 * V8's memory-saving mode for `cadv serve`, a daemon that keeps a few samples of every container
 * and lives for weeks. By default V8 lets its heap grow to two or three times what is alive
 * (a young generation of up to 32 MiB, and an old one that runs far ahead of the live objects
 * between full collections), which is most of what the process takes: at 1,000 containers
 * about 196 MiB of RSS against 115 MiB in this mode, for about a tenth more CPU (README,
 * "the whole process"). The mode is the one V8 enters by itself for a tab in the background:
 * heuristics only (when to collect, how far to grow), read at every collection, so turning it
 * on after start-up is sound; nothing else changes. It cannot be given in NODE_OPTIONS, and a
 * node flag in the bin's shebang would be lost by `node bin/run.js` and the image's
 * entrypoint, so the command sets it itself.
 *
 * serve turns it on once every container found at start has been read (app/serve.ts), not
 * before: the first readings make most of what stays alive (at 10,000 containers the heap grows
 * from 20 to 115 MB in them), and in this mode, with the young generation held at 1 MiB, each
 * MiB allocated was a scavenge copying what it had just made, and each tenth more of old
 * generation a full collection: 1,260 scavenges and 25 full collections, 3.4 s of a 22 s start,
 * against 101 and 4 (1.6 s) without the mode.
 */
import {setFlagsFromString} from 'node:v8'

import {holdYoungGeneration} from '../util/index.js'

/** Whether serve turns the mode on: the node command line's own choice (`node --no-optimize-for-size bin/run.js serve`) wins. */
export function smallHeapWanted(execArgv: readonly string[] = process.execArgv): boolean {
  return !heapModeGiven(execArgv)
}

/** The node command line's own choice (`node --no-optimize-for-size bin/run.js serve`) wins. */
export function heapModeGiven(execArgv: readonly string[]): boolean {
  return execArgv.some((a) => /^--(no-)?optimize[-_]for[-_]size$/.test(a))
}

/** The node command line sized the young generation itself (`--max-semi-space-size=4`). */
export function youngGenerationGiven(execArgv: readonly string[]): boolean {
  return execArgv.some((a) => /^--(min|max)[-_]semi[-_]space[-_]size\b|^--semi[-_]space[-_]growth[-_]factor\b/.test(a))
}

/**
 * Turns the mode on unless the node command line chose; true when this call turned it on. With it,
 * a young generation held at its first size (util/young-generation.ts) unless the command line sized it.
 */
export function preferSmallHeap(execArgv: readonly string[] = process.execArgv): boolean {
  if (heapModeGiven(execArgv)) return false
  setFlagsFromString('--optimize-for-size')
  if (!youngGenerationGiven(execArgv)) holdYoungGeneration()
  return true
}
