export type {
  BlkioDeviceSample,
  ContainerSpec,
  CpuSample,
  MemorySample,
  NetworkInterfaceSample,
  PressureLine,
  PressureSample,
  ProcessSample,
  Sample,
} from './sample.js'
