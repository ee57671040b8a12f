/* Small pure helpers with no cadv imports: the one duration syntax, the one byte-size syntax, the one /proc/meminfo reader, bounded file reads, terminal escaping, typo suggestions, errno texts, names in natural order without Intl, the page size, YAML loaded when first needed. */
export {
  formatCap,
  MAX_CONFIG_FILE_BYTES,
  MAX_KERNEL_FILE_BYTES,
  openRegularFile,
  readBoundedFile,
  readBoundedText,
  readToEnd,
  UnreadableFileError,
} from './bounded-read.js'
export {ByteSizeError, formatBytes, parseByteSize} from './bytes.js'
export {DurationError, formatDuration, parseDuration, type DurationLimits} from './duration.js'
export {escapeControl} from './escape.js'
export {hostMemoryBytes, meminfoBytes, meminfoSwapUsed, readMeminfo} from './meminfo.js'
export {closest, didYouMean, editDistance} from './suggest.js'
export {errnoText, systemErrorText} from './errno.js'
export {naturalCompare} from './natural-order.js'
export {pageSize} from './pagesize.js'
export {parseYaml} from './yaml.js'
export {holdYoungGeneration, keepYoungGenerationAcross, whenYoungGenerationHeld, youngGenerationHeld} from './young-generation.js'
