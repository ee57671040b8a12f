/*
 * Container events with cAdvisor's types: OOM kills from the kernel log (or, when it cannot be
 * read, from the cgroups' oom_kill counters), creations and deletions from the manager's view,
 * and the store that keeps them within cAdvisor's per-type limits.
 */
export {OomParser, parseKmsgRecord, type KmsgRecord, type OomInstance} from './kmsg.js'
export {KmsgFollower, KMSG_PATH, type KmsgFollowerOptions} from './kmsg-follower.js'
export {EVENT_TYPES, eventsOfOom, isEventType, type EventSource, type EventType, type MonitorEvent, type OomDetails} from './types.js'
export {DEFAULT_EVENT_AGE, DEFAULT_EVENT_COUNT, EventLimitError, parseEventLimits, type EventLimits} from './limits.js'
export {EventStore, matchesFilter, type EventFilter, type EventQuery} from './store.js'
export {OomMonitor, type OomMonitorOptions, type OomSource} from './oom-monitor.js'
export {creationTimeMs, followContainers} from './containers.js'
