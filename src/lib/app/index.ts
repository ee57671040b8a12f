/*
 * One module per command, holding all of its policy (defaults, timeouts, signals, exit codes);
 * commands in src/commands/ are flags plus one call into here.
 */
export {AppContext, type AppContextOptions} from './context.js'
export {failIfUnanswered, IncompleteError, type RuntimeWaitFlagValues} from './runtime-wait.js'
export {
  checkEndpoint,
  DEFAULT_EVENT_AGE,
  DEFAULT_EVENT_COUNT,
  EndpointError,
  housekeepingOptionsFrom,
  HousekeepingFlagError,
  MIN_TIMEOUT_MS,
  resolverOptionsFromFlags,
  type HousekeepingFlagValues,
  type ManagerHousekeepingOptions,
  type RuntimeFlagValues,
} from './options.js'
export {oomLine, runWatch, PrefixError, type WatchFlags} from './watch.js'
export {runStats, type StatsFlags} from './stats.js'
export {startStatsFeed, type StatsFeed, type StatsFeedOptions} from './stats-feed.js'
export {webSetupFrom, type WebUiFlagValues} from './serve-web-ui.js'
export type {ServeFlags} from './serve.js'
export {NoInputError, resolveCommand, runResolve, type ResolveFlags, type ResolveOutcome, type ResolveRun} from './resolve.js'
export {classify, fileLines, lines, type InputItem} from './resolve-input.js'
export {decisionPasses, resolveInOrder, type Outcome} from './resolve-order.js'
export {serveEvents, type EventsFlagValues, type ServeEvents} from './serve-events.js'
export {compatManagerOptions, urlBasePrefix, UrlPrefixError, type CompatFlagValues} from './serve-compat.js'
export {kindOptionsFrom, type KindsFlagValues} from './kinds-options.js'

/*
 * serve's module is loaded when serve runs: it brings the HTTP server, the storage drivers (a
 * native snappy, a redis client) and auth, about 300 ms of start-up that stats, watch and
 * resolve would otherwise pay before their first line.
 */
type ServeModule = typeof import('./serve.js')

export async function runServe(...args: Parameters<ServeModule['runServe']>): ReturnType<ServeModule['runServe']> {
  return (await import('./serve.js')).runServe(...args)
}

export async function firstRound(...args: Parameters<ServeModule['firstRound']>): ReturnType<ServeModule['firstRound']> {
  return (await import('./serve.js')).firstRound(...args)
}
