import * as Flags from '@oclif/core/flags'

/**
 * `--host-netns`, for the commands that read network numbers (`cadv stats`, `cadv serve`):
 * names the host's network namespace when cadv cannot find it by itself (stats/netns.ts).
 */
export const netnsFlags = {
  'host-netns': Flags.string({
    summary: "The host's network namespace: a namespace file or a pid (default: found by cadv).",
    description:
      "The host's network namespace, as a namespace file (`/proc/1/ns/net`, `/run/netns/host`) or a pid whose namespace it is; a raw cgroup in it has no network numbers of its own. Default: found by cadv, as cadv-serve(1) describes under NETWORK NAMESPACES.",
    helpValue: '<file|pid>',
  }),
}
