/*
 * The bottom layer: the three contracts (event, factory decision, sample), the container state
 * and view the outputs read, and the family contract between metric kinds and the exposition.
 * It imports nothing of cadv's own (docs/ARCHITECTURE.md, "Layers").
 */
export type {ContainerName} from './names.js'
export {
  CONTAINER_EVENT_TYPES,
  makeEvent,
  makeOomEvent,
  type ContainerEvent,
  type ContainerEventSource,
  type ContainerEventType,
} from './event.js'
export type {
  Awaiting,
  ContainerInfo,
  ContainerResolver,
  FactoryCheck,
  FactoryDecision,
  KubernetesPlacement,
  Resolution,
} from './decision.js'
export type {
  BlkioDeviceSample,
  ContainerSpec,
  CpuSample,
  DiskstatsSample,
  FilesystemSample,
  HugetlbSample,
  LoadSample,
  MemorySample,
  NetworkInterfaceSample,
  NumaPages,
  NumaSample,
  OomSample,
  PerfEventSample,
  PressureLine,
  PressureSample,
  ProcessSample,
  ResctrlDomainSample,
  Sample,
  SchedSample,
  SocketsSample,
  TcpStates,
  UdpStats,
  Ulimit,
} from './sample.js'
export type {ContainerState, ContainerView, ContainerViewEvents, SampleList} from './container.js'
export type {ContainerRow, StatsRow} from './stats-row.js'
export {NS_PER_S, US_PER_S, type Family, type FamilyInput, type FamilyModule, type SeriesSink} from './family.js'
export {
  escapeHelp,
  escapeLabelValue,
  formatTimestamp,
  formatValue,
  labelPairs,
  sanitizeLabelName,
  type ExpositionFormat,
} from './exposition-text.js'
