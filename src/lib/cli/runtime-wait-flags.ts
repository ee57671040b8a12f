import {durationFlag} from './duration-flag.js'

/**
 * `--runtime-wait`, for the commands that resolve containers while they run (`cadv watch
 * --resolve`, `cadv stats`, `cadv serve`): how long a container waits for the runtime its cgroup
 * name points to (manager/resolution.ts), and so how long a one-shot (`--once`) waits at most.
 * Documented with the runtime flags, in cadv(1) under RUNTIME OPTIONS.
 */
export const runtimeWaitFlags = {
  'runtime-wait': durationFlag({
    description:
      "How long a container whose cgroup name points to a runtime (`/docker/<id>`, `libpod-<id>.scope`, ...) waits for that runtime's answer before it is published from its name alone (factory and id; no name, image or labels), with one warning line; it is asked again on a backoff and corrected once when the answer comes. `--once` waits at most this long, then names what is left on stderr and exits 3 (`cadv watch`, `cadv stats`, `cadv serve`).",
    summary: "How long a container waits for its runtime's answer before it is shown from its name alone.",
    default: '30s',
    helpGroup: 'RUNTIME',
    minMs: 0,
  }),
}
