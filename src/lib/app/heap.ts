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
 */
import {setFlagsFromString} from 'node:v8'

import {holdYoungGeneration} from '../util/index.js'

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
