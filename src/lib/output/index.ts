/*
 * Human and stream renderings: NDJSON lines, the `cadv stats` rows and table, the frame writer
 * for terminals, units, and decisions as text. Plain data in, text out.
 */
export {formatDecision} from './decision.js'
export {ndjsonWriter, type NdjsonWriter} from './ndjson.js'
export {FrameWriter} from './screen.js'
export {buildRows, FilterError, parseFilters, rowOf, SORT_KEYS, type RowFilters, type RowQuery, type SortKey} from './stats-rows.js'
export {displayName, emptyStatsMessage, renderStatsTable, rowCells, STATS_COLUMNS, statsHeader} from './stats-table.js'
export type {StatsRow} from '../model/index.js'
export {binaryBytes, decimalBytes, MISSING, percent} from './units.js'
