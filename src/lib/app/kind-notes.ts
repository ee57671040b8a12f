/*
 * No kind is accepted silently: a kind that can give nothing on this host (perf_event, resctrl
 * and app always; hugetlb without the controller) says so once at start. A kind the user named
 * in --enable-metrics is a warning on stderr; one that is merely in cAdvisor's default set is
 * a note under -v, so the default start stays quiet.
 */
import type {CgroupLayout} from '../cgroups/index.js'
import {sysRootFor, unavailableKinds, type KindOptions, type MetricKind} from '../stats/index.js'
import type {AppContext} from './context.js'

/** `named`: the kinds listed in --enable-metrics. */
export function sayUnavailableKinds(
  kinds: ReadonlySet<MetricKind>,
  layout: CgroupLayout,
  named: readonly string[],
  options: KindOptions,
  ctx: AppContext,
): void {
  for (const [kind, why] of unavailableKinds(kinds, {layout, sysRoot: sysRootFor(layout.procRoot), options})) {
    if (named.includes(kind)) ctx.warn(why)
    else ctx.note(why)
  }
}
