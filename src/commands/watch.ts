import {Flags} from '@oclif/core'

import {runWatch} from '../lib/app/index.js'
import {CadvCommand, durationFlag, kubernetesWatchFlags, runtimeFlags, runtimeWaitFlags} from '../lib/cli/index.js'
import {CONTAINER_EVENT_TYPES} from '../lib/model/index.js'
import {WATCH_BACKENDS} from '../lib/watch/index.js'

export default class Watch extends CadvCommand {
  static override summary = 'Stream container add and delete events and OOM kills as NDJSON.'

  static override description = `Lists the containers (cgroups) that exist now, one ContainerAdd line each with "initial": true, then prints one line per container created or removed, as it happens, until interrupted. A container is reported once however many cgroup hierarchies carry it, and deleted when it is gone from all of them.

Changes are seen through one inotify watch per cgroup directory; a full rescan every --rescan-interval repairs anything the kernel's event queue dropped. Past the inotify watch limit the unwatched directories are polled instead, with one warning on stderr.

OOM kills are read from the kernel log (/dev/kmsg, new records only): an OOM line for the killed task's cgroup and an OOMKill line for the cgroup whose limit was hit, with the pid and process name. When the kernel log cannot be read, the cgroups' oom_kill counters are read every second instead (said once on stderr).

Each line is one JSON object: "type" (ContainerAdd, ContainerDelete, OOM or OOMKill), "name" (/docker/<id>), "time" (RFC 3339), "timeNano" (an integer), "source" (raw, kmsg or cgroup) and "initial" (a boolean), plus "pid", "process" and "constraint" on OOM lines from the kernel log.`

  static override examples = [
    {description: 'Follow container events, pretty-printed', command: '<%= config.bin %> <%= command.id %> | jq .'},
    {description: 'The containers that exist now, then exit', command: '<%= config.bin %> <%= command.id %> --once | jq -r .name'},
    {description: 'Only Docker containers, changes only', command: '<%= config.bin %> <%= command.id %> --prefix /docker --watch-only'},
    {description: 'Watch the cgroup v2 tree of a hybrid host', command: '<%= config.bin %> <%= command.id %> --hierarchy unified'},
    {
      description: 'Say which runtime owns each container, with its name, image and labels',
      command: "<%= config.bin %> <%= command.id %> --resolve | jq -c '{type, name, factory, alias, image}'",
    },
    {
      description: 'Only OOM kills, with the container that was hit',
      command: "<%= config.bin %> <%= command.id %> --type OOMKill --resolve | jq -c '{name, alias, pid, process}'",
    },
    {
      description: 'Without inotify: rescan every 2 seconds',
      command: '<%= config.bin %> <%= command.id %> --watch-backend poll --poll-interval 2s',
    },
  ]

  static override flags = {
    ...runtimeFlags,
    ...runtimeWaitFlags,
    ...kubernetesWatchFlags,
    resolve: Flags.boolean({
      summary: 'Add the runtime that owns each container (factory, id, alias, image, labels).',
      description:
        'Add which runtime owns each container, asked once per container with cAdvisor\'s factory rules (see cadv-resolve(1)): `"factory"`, `"id"`, `"alias"` (docker and podman: the container name; containerd: the id; CRI-O: its name), `"image"` and `"labels"`; `"ignored": true` when the winning factory ignores the cgroup. A delete carries what its add resolved to. A container whose cgroup name is a runtime\'s (`/docker/<id>`, `libpod-<id>.scope`, ...) waits for that runtime\'s answer, asked again after 250 ms doubling to 10 s, for at most `--runtime-wait`; then its add goes out with what the name alone says (factory and id), with one warning per runtime, and while that runtime stays silent its next containers do not wait again. Events keep their order, so the lines behind a waiting add wait with it. With `--verbose`, each ignored container, each runtime that could not be asked (once) and each container that waits is explained on stderr.',
    }),
    once: Flags.boolean({
      summary: 'Print the existing containers and exit.',
      description:
        "Print the existing containers and exit 0. Uses no inotify watch at all. With `--resolve`, every add has its runtime's answer first, or waited `--runtime-wait`: those still without one are named on stderr and the exit status is 3.",
      exclusive: ['watch-only'],
    }),
    type: Flags.string({
      summary: 'Print only these line types: ContainerAdd, ContainerDelete, OOM, OOMKill (repeatable or comma-separated).',
      description:
        'Print only these line types: `ContainerAdd`, `ContainerDelete`, `OOM`, `OOMKill` (repeatable or comma-separated; default all four). Without `OOM` and `OOMKill` the kernel log is not read.',
      options: [...CONTAINER_EVENT_TYPES],
      multiple: true,
      delimiter: ',',
      helpValue: '<type>',
    }),
    'watch-only': Flags.boolean({description: 'Skip the list of existing containers; print changes only.'}),
    prefix: Flags.string({
      summary: 'Only containers at or under this name, e.g. /docker (repeatable).',
      description:
        'Only containers at or under this container name, e.g. `/docker` or `/kubepods/burstable` (repeatable). Directories outside every prefix are not watched.',
      multiple: true,
      helpValue: '<name>',
    }),
    hierarchy: Flags.string({
      summary: 'Hierarchy to watch, by id (cpu,cpuacct, unified) or by a controller it carries (repeatable).',
      description:
        "Watch this hierarchy, by id (`cpu,cpuacct`, `memory`, `unified`, `systemd`) or by a controller it carries (repeatable). Default: on cgroup v2 the one tree; on v1 and hybrid hosts the v1 hierarchies that cAdvisor's default metric kinds need (cpu, cpuacct, memory, blkio, devices, perf_event).",
      multiple: true,
      helpValue: '<id>',
    }),
    'watch-backend': Flags.string({
      summary: 'How changes are seen: inotify, parcel (opt-in) or poll.',
      description:
        'How changes are seen. `inotify` (default): one non-recursive watch per cgroup directory. `parcel`: @parcel/watcher, opt-in; it misses changes inside a directory created right after its parent until the next rescan, and adds 50 to 500 ms of batching delay. `poll`: no watches, every directory is re-read every `--poll-interval`.',
      options: [...WATCH_BACKENDS],
      default: 'inotify',
    }),
    'rescan-interval': durationFlag({
      summary: 'Full rescan that reports what events missed (0 turns it off).',
      description:
        "Full rescan that reports what events missed, like cAdvisor's global housekeeping (`0` turns it off). Durations take a unit: `500ms`, `10s`, `1m30s`.",
      default: '60s',
    }),
    'poll-interval': durationFlag({
      summary: 'How often directories without a watch are re-read.',
      description:
        'How often directories without a watch are re-read: every directory with the poll backend, the ones past the inotify watch limit otherwise (at least `10ms`).',
      default: '1s',
      minMs: 10,
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Watch)
    await runWatch(flags, this.discover(flags), this.context(flags))
  }
}
