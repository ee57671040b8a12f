/*
 * `cadv serve`'s web UI and the collection facts its pages read (/api/v1/machine): on unless
 * --disable-web-ui.
 */
import type {CollectionSettings, WebUiOptions} from '../metrics/index.js'
import type {HousekeepingFlagValues} from './options.js'

export interface WebUiFlagValues {
  'disable-web-ui': boolean
}

export function webSetupFrom(flags: WebUiFlagValues & HousekeepingFlagValues): {collection: CollectionSettings; webUi?: WebUiOptions} {
  const collection: CollectionSettings = {
    housekeepingIntervalMs: flags['housekeeping-interval'],
    maxHousekeepingIntervalMs: flags['max-housekeeping-interval'],
    dynamicHousekeeping: flags['allow-dynamic-housekeeping'],
    storageDurationMs: flags['storage-duration'],
  }
  return flags['disable-web-ui'] ? {collection} : {collection, webUi: {}}
}
