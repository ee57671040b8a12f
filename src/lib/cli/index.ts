/* The oclif side: the base command, flag definitions shared by commands, cAdvisor spellings. */
export {CadvCommand, firstLine, type GlobalFlagValues} from './base-command.js'
export {normalizeBooleanArgs} from './boolean-args.js'
export {durationFlag} from './duration-flag.js'
export {housekeepingFlags} from './housekeeping-flags.js'
export {runtimeFlags} from './runtime-flags.js'
export {kubernetesServeFlags, kubernetesWatchFlags} from './kubernetes-flags.js'
export {eventsFlags} from './events-flags.js'
export {webUiFlags} from './web-ui-flags.js'
