#!/bin/sh
':' /*
# `cadv` run as a program (on PATH, npm's link) starts in sh, which starts node: `cadv serve`, a
# daemon, gets node's command line and glibc's environment set for its memory, which only the
# start of a process can set (README, process benchmark); `node bin/run.js …` skips these lines
# (JavaScript sees a string and a comment). exec: the pid, signals, stdio and exit status are node's.
# --single-threaded-gc and --no-concurrent-recompilation: V8's collection and optimizing compiles
# on the thread that asks for them instead of four helper threads, each with a malloc arena of
# its own (about 3 MiB each at 1,000 containers; set after start, they crash V8); the metrics
# thread alone still hands its compiles to the helpers (metrics/worker-compiles.ts). A fixed mmap
# threshold: large freed blocks go back to the kernel instead of staying in malloc's arenas (the
# image's setting, deploy/Containerfile). Two malloc arenas at most: the threads left (libuv's pool,
# the metrics thread) share one instead of an arena each (2.1 MiB less at 1,000, CPU not worse).
# A threshold or arena bound of the user's own (GLIBC_TUNABLES, MALLOC_ARENA_MAX) wins.
if [ "$1" = serve ]; then
  case ":$GLIBC_TUNABLES" in
    *:glibc.malloc.mmap_threshold=*) ;;
    *) GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.mmap_threshold=131072" && export GLIBC_TUNABLES ;;
  esac
  case ":$GLIBC_TUNABLES:${MALLOC_ARENA_MAX+set}" in
    *:glibc.malloc.arena_max=* | *:set) ;;
    *) GLIBC_TUNABLES="$GLIBC_TUNABLES:glibc.malloc.arena_max=2" ;;
  esac
  exec node --single-threaded-gc --no-concurrent-recompilation "$0" "$@"
fi
exec node "$0" "$@"
*/
// First of all: SIGUSR1 must never open Node's inspector (a debugger anyone on the host can
// attach to), whatever the command (src/lib/app/context.ts).
;(await import('../dist/lib/cli/fast/context.js')).shieldInspector()
// `cadv resolve`, `cadv watch` and `cadv stats` first try a path without oclif (about 150 ms
// less start-up, for CI loops that call resolve per name, scripts that run `watch --once` and
// the first table of `stats`); it hands back anything it does not handle, such as --help.
// CADV_NO_FAST_PATH=1 always uses oclif (tests compare the two). The fast paths are bundled
// (scripts/build-fast.mjs): a few files to load instead of up to 160 modules. `cadv serve` runs
// without oclif's Config, whose start stays resident in a long-running server (RSS), with the
// command's own flags and oclif's parser (lib/cli/fast-serve.ts); it is not bundled.
const command = process.env.CADV_NO_FAST_PATH === '1' ? undefined : process.argv[2]
const fast =
  command === 'resolve'
    ? await (await import('../dist/lib/cli/fast/fast-resolve.js')).fastResolve(process.argv.slice(3))
    : command === 'watch'
      ? await (await import('../dist/lib/cli/fast/fast-watch.js')).fastWatch(process.argv.slice(3))
      : command === 'stats'
        ? await (await import('../dist/lib/cli/fast/fast-stats.js')).fastStats(process.argv.slice(3))
        : command === 'serve'
          ? await (await import('../dist/lib/cli/fast-serve.js')).fastServe(process.argv.slice(3))
          : undefined
if (fast === undefined) {
  const {main} = await import('../dist/lib/cli/main.js')
  await main('cadv', process.argv.slice(2), import.meta.url)
} else {
  process.exitCode = fast
}
