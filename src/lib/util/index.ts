/* Small pure helpers with no cadv imports: the one duration syntax, the one /proc/meminfo reader. */
export {DurationError, formatDuration, parseDuration, type DurationLimits} from './duration.js'
export {hostMemoryBytes, meminfoBytes, meminfoSwapUsed, readMeminfo} from './meminfo.js'
