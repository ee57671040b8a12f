#!/bin/sh
':' /*
# `cadvisor` run as a program starts in sh, which starts node with the command line and glibc's
# environment `cadv serve` starts with (the reasons are in bin/run.js); `node bin/cadvisor.js …`
# skips these lines. exec: the pid, signals, stdio and exit status are node's.
case ":$GLIBC_TUNABLES" in
  *:glibc.malloc.mmap_threshold=*) ;;
  *) GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.mmap_threshold=131072" && export GLIBC_TUNABLES ;;
esac
case ":$GLIBC_TUNABLES:${MALLOC_ARENA_MAX+set}" in
  *:glibc.malloc.arena_max=* | *:set) ;;
  *) GLIBC_TUNABLES="$GLIBC_TUNABLES:glibc.malloc.arena_max=2" ;;
esac
exec node --single-threaded-gc --no-concurrent-recompilation "$0" "$@"
*/
// `cadvisor`: cAdvisor's command line and defaults (every interface, port 8080) on `cadv serve`,
// so a DaemonSet written for cAdvisor changes only its image. `cadv serve` translates the flags
// (lib/cli/cadvisor-flags.ts); Go prints usage on -h, -help and --help, so does this.
const {CADVISOR_MODE_ARG, cadvisorUsage, wantsHelp} = await import('../dist/lib/cli/cadvisor-flags.js')
const argv = process.argv.slice(2)
if (wantsHelp(argv)) {
  const {default: Serve} = await import('../dist/commands/serve.js')
  process.stderr.write(cadvisorUsage(new Set(Object.keys(Serve.flags))))
} else {
  // Without oclif's Config when it can (lib/cli/fast-serve.ts; CADV_NO_FAST_PATH=1: always oclif).
  // Errors in cadv's one format (lib/cli/errors.ts), as `cadvisor: <what>`.
  const fast =
    process.env.CADV_NO_FAST_PATH === '1'
      ? undefined
      : await (await import('../dist/lib/cli/fast-serve.js')).fastServe([CADVISOR_MODE_ARG, ...argv], 'cadvisor', false)
  if (fast === undefined) {
    const {main} = await import('../dist/lib/cli/main.js')
    await main('cadvisor', ['serve', CADVISOR_MODE_ARG, ...argv], import.meta.url, {singleCommand: true})
  } else {
    process.exitCode = fast
  }
}
