import type {KindDefinition} from './types.js'

/*
 * cAdvisor kinds that cadv accepts in --enable-metrics / --disable-metrics but does not collect
 * yet. Each keeps cAdvisor's controllers and default, so the hierarchies watched stay the same;
 * a kind that gains a reader moves to a folder of its own.
 */
function uncollected(controllers: readonly string[], defaultOn: boolean): KindDefinition {
  return {controllers, defaultOn, uncollected: 'not collected by cadv yet'}
}

export const tcpKind = uncollected([], false)
export const advtcpKind = uncollected([], false)
export const udpKind = uncollected([], false)
export const appKind = uncollected([], true)
export const perfEventKind = uncollected(['perf_event'], true)
export const resctrlKind = uncollected([], false)
