export type {ContainerInfo, ContainerResolver, FactoryCheck, FactoryDecision} from './types.js'
