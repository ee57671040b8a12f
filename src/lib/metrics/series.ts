import {formatTimestamp, formatValue, type ExpositionFormat, type Family, type SeriesSink} from '../model/index.js'

/**
 * Collects one container's series, grouped by family, as exposition lines. The container's
 * labels are rendered once (`base`); family modules add only their extra labels.
 */
export class SeriesOut implements SeriesSink {
  private readonly lines = new Map<Family, string>()
  private readonly suffix: string

  constructor(
    private readonly base: string,
    format: ExpositionFormat,
    /** Sample time for the per-sample series, when explicit timestamps are on. */
    timestampMs?: number,
  ) {
    this.suffix = timestampMs === undefined ? '\n' : `${formatTimestamp(timestampMs, format)}\n`
  }

  add(f: Family, value: number, extra = ''): void {
    this.push(f, value, extra, this.suffix)
  }

  addUntimed(f: Family, value: number, extra = ''): void {
    this.push(f, value, extra, '\n')
  }

  private push(f: Family, value: number, extra: string, end: string): void {
    const labels = this.base === '' ? extra : extra === '' ? this.base : `${this.base},${extra}`
    const line = `${f.name}${labels === '' ? '' : `{${labels}}`} ${formatValue(value)}${end}`
    this.lines.set(f, (this.lines.get(f) ?? '') + line)
  }

  /** The lines of each family, in the order given; '' where the container has none. */
  chunks(order: readonly Family[]): string[] {
    return order.map((f) => this.lines.get(f) ?? '')
  }
}
