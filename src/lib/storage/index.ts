/*
 * Storage drivers: samples pushed to the systems users already run (stdout, redis, influxdb,
 * statsd, Prometheus remote write), in cAdvisor's shapes, through one delivery that batches,
 * retries, keeps order and bounds what it holds.
 */
export type {EncodeContext, Encoded, StorageDriver} from './driver.js'
export {PermanentSendError, StorageConfigError} from './errors.js'
export {DEFAULT_RETRY, Delivery, type DeliveryOptions, type DeliveryStats, type RetryPolicy} from './delivery.js'
export {DRIVERS, NOT_BUILT, driverNames} from './registry.js'
export {hostsFor, parseLabelPairs, type StorageSettings, type TlsSettings} from './settings.js'
export {Storage, type StorageOptions} from './storage.js'
export {cadvisorSeries, type SeriesValue} from './cadvisor-series.js'
export {cadvisorDocument, containerStatsJson, goTime} from './cadvisor-stats.js'
export {RemoteWriteEncoder, parseLabelText} from './remote-write-encode.js'
export {datagrams} from './statsd.js'
