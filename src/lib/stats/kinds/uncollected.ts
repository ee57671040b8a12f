import type {KindDefinition} from './types.js'

/*
 * cAdvisor kinds that cadv accepts in --enable-metrics / --disable-metrics but cannot collect.
 * Each keeps cAdvisor's controllers and default, so the hierarchies watched stay the same, and
 * says why it gives nothing, once, at start (no kind is accepted silently). A kind that gains a
 * reader moves to a folder of its own.
 */

/** app scrapes the endpoints containers declare in io.cadvisor.metric.* labels. */
export const appKind: KindDefinition = {
  controllers: [],
  defaultOn: true,
  unavailable: () => 'app: cadv does not scrape application metrics (io.cadvisor.metric.* labels): no custom series',
}
