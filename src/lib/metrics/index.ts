/*
 * The Prometheus side: the exposition with cAdvisor's names (rendered once per sample, shared
 * by every scrape), the HTTP server and its routes, the web config and cadv's own metrics.
 */
export {Exposition, familyHeader, lastSeenFamily, type ExpositionOptions} from './exposition.js'
export {
  DEFAULT_LABEL_OPTIONS,
  KUBELET_FIXED,
  containerLabelPairs,
  containerLabels,
  kubeletLabelPairs,
  podCgroupUid,
  podIndexOf,
  type LabelOptions,
} from './labels.js'
export type {PodIndex} from '../cgroups/index.js'
export {readMachineInfo, type MachineInfo} from './machine.js'
export {CONTENT_TYPES, negotiateFormat} from './negotiate.js'
export {HANDLES_EVERY_MS, RegistryText, SelfMetrics} from './self.js'
export {Counter, Gauge, Registry} from './prom.js'
export {SeriesOut} from './series.js'
export {MetricsSource, type Body, type MetricsSourceOptions} from './source.js'
export {ListenError, MetricsServer, parseListen, type ServerOptions} from './server.js'
export {containerJson, containersApi} from './api.js'
export {containerRow, statsApi, underPrefix} from './stats-api.js'
export {containersOf, lookupAlias, type AliasLookup, type AliasNamespace} from './aliases.js'
export {machineApi, type CollectionSettings} from './machine-api.js'
export {
  CONTENT_SECURITY_POLICY,
  encodeName,
  loadAssets,
  nameOf,
  setUiHeaders,
  toRoot,
  webUiRoutes,
  type WebUiOptions,
} from './web-ui/index.js'
export {healthz, landingPage} from './landing.js'
export {PIECE_BYTES, send, sendInPieces, sendJson, sendText, escapeHtml, type Route} from './http.js'
export {BODY_SLICE_MS, LoopSlices} from './slices.js'
export {loadWebConfig, WebConfigError, WebConfigWatcher, type WebConfig} from './web-config.js'
export {
  checkServeSetup,
  KUBELET_CADVISOR_PATH,
  renderExposition,
  startServe,
  type RunningView,
  type ServeHandle,
  type ServeSetup,
} from './endpoint.js'
export {cadvisorApi, CadvisorApi, type CadvisorApiOptions} from './cadvisor-api.js'
export {MachineSource, readApiMachine, readFilesystems, type ApiMachine, type FilesystemInfo} from './api-machine.js'
export {eventJson, MAX_EVENTS_LIMIT, parseEventRequest, parseGoBool} from './api-events.js'
export {ApiError, encodeJson, ExactInteger, parseRfc3339, rfc3339, V1_UNLIMITED, V2_UNLIMITED} from './api-encoding.js'
export {percentilesOf, windowUsage, derivedUsage} from './api-summary.js'
export {readMachineFacts, type MachineFacts} from './machine-families.js'
export {DEFAULT_DELETED_LAST_SEEN_MS} from './exposition.js'
export {fullCollection} from './body-garbage.js'
