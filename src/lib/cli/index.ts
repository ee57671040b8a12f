/* The oclif side: the base command and entry point, help, errors, man pages, flag definitions shared by commands, cAdvisor spellings. */
export {CadvCommand, firstLine, flagSpellings, type GlobalFlagValues} from './base-command.js'
export {applyConfig, configPath, ConfigFileError, readConfig, type ConfigFlag} from './config-file.js'
export {durationFlag} from './duration-flag.js'
export {endpointFlags} from './endpoint-flags.js'
export {CONTEXT, errorLine, exitCodeOf, isExit, reportError, type ErrorContext} from './errors.js'
export {CadvCommandHelp, default as CadvHelp, flagList, flagSections} from './help.js'
export {BRIEF_GROUPS, SHARED_GROUPS} from './help-groups.js'
export {housekeepingFlags} from './housekeeping-flags.js'
export {main} from './main.js'
export {netnsFlags} from './netns-flags.js'
export {UnknownCommandError} from './not-found.js'
export {priorityFlags} from './priority-flags.js'
export {envMetadataFlags, runtimeFlags} from './runtime-flags.js'
export {runtimeWaitFlags} from './runtime-wait-flags.js'
export {kubernetesServeFlags, kubernetesWatchFlags} from './kubernetes-flags.js'
export {eventsFlags} from './events-flags.js'
export {webUiFlags} from './web-ui-flags.js'
export {compatFlags} from './compat-flags.js'
export {
  CADVISOR_FLAGS,
  CADVISOR_MODE_ARG,
  CadvisorFlagError,
  cadvisorUsage,
  serveCommandLine,
  sayServeNotices,
  translateServeArgs,
  inUserSpelling,
  wantsHelp,
  translateCadvisorArgs,
  type CommandFlag,
  type TranslateOptions,
  type Translated,
} from './cadvisor-flags.js'
export {serveFlags} from './serve-flags.js'
export {storageFlags} from './storage-flags.js'
export {kindsFlags} from './kinds-flags.js'
