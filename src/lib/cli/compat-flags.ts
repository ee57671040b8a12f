/*
 * `cadv serve` flags that cAdvisor's command lines need and cadv had no name for: a path
 * prefix for a reverse proxy, the root cgroup left out, the housekeeping jitter, and the
 * interval of the full rescan (cAdvisor's global housekeeping). cAdvisor's spellings
 * (`--url_base_prefix`, `--jitter_factor`, `--global_housekeeping_interval`, …) reach them
 * through cadvisor-flags.ts.
 */
import * as Errors from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'

import {durationFlag} from './duration-flag.js'

/** cAdvisor's jitter factors: a number ≥ 0; a negative one means the default, 1, as in cAdvisor. */
const factor = (summary: string, description: string) =>
  Flags.custom<number>({
    summary,
    description,
    helpValue: '<factor>',
    default: 1,
    parse: async (input) => {
      const n = Number(input)
      if (input.trim() === '' || !Number.isFinite(n)) throw new Errors.CLIError(`"${input}" is not a number`, {exit: 2})
      return n < 0 ? 1 : n
    },
  })()

export const compatFlags = {
  'url-base-prefix': Flags.string({
    summary: 'Serve every path under this prefix (behind a reverse proxy), e.g. /cadvisor: /cadvisor/metrics, /cadvisor/api/….',
    description:
      'Serve every path under this prefix, for a reverse proxy: with `/cadvisor`, the metrics are at `/cadvisor/metrics` and the API at `/cadvisor/api/`; other paths get 404.',
    helpValue: '<path>',
  }),
  'disable-root-cgroup-stats': Flags.boolean({
    description: 'Do not track the root cgroup / (no series, no API entry for it).',
  }),
  'jitter-factor': factor(
    'Each wait between two readings of a container is the interval × (1 + random × this) (cAdvisor: 1; 0: exact).',
    'Each wait between two readings of a container is the interval × (1 + random × factor) (as cAdvisor; 0 reads on exact intervals; a negative value means 1).',
  ),
  'initial-splay-factor': factor(
    'Spread of the first readings of containers found together, as a fraction of the interval (cAdvisor: 1).',
    'How far the first readings of containers found together are spread, as a fraction of the interval (as cAdvisor).',
  ),
  'rescan-interval': durationFlag({
    description: "Full rescan of the cgroup trees that finds what watch events missed (cAdvisor's global housekeeping; 0 turns it off).",
    default: '60s',
  }),
}
