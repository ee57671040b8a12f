/*
 * Human and stream renderings: NDJSON lines, the `cadv stats` rows, table and keys, the frame
 * writer for terminals, units, and decisions as text. Plain data in, text out.
 */
export {decisionJson, formatDecision, type DecisionExtras} from './decision.js'
export {ndjsonWriter, type NdjsonWriter} from './ndjson.js'
export {cut, FrameWriter, visibleLength} from './screen.js'
export {StatsKeys, type KeyResult, type StatsView} from './stats-keys.js'
export {
  buildRows,
  FilterError,
  parseFilters,
  pendingRow,
  RowOrder,
  rowOf,
  SORT_KEYS,
  treeLevels,
  type PendingLike,
  type RowFilters,
  type RowQuery,
  type SortKey,
} from './stats-rows.js'
export {
  collectingLine,
  findingLine,
  cpuCell,
  ellipsize,
  emptyStatsMessage,
  MIN_NAME_WIDTH,
  PENDING_LEGEND,
  PENDING_MARK,
  renderStatsTable,
  shortName,
  STATS_COLUMN_TITLES,
  statsHeader,
  statsTableLines,
  tableLayout,
  type StatusInfo,
  type TableLayout,
  type TableOptions,
} from './stats-table.js'
export {binaryBytes, decimalBytes, MISSING, percent} from './units.js'
export type {StatsRow} from '../model/index.js'
