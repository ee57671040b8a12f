export type {ContainerInfo, FactoryCheck, FactoryDecision} from './types.js'
