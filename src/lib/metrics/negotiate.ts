/*
 * Content negotiation for /metrics. Prometheus asks for OpenMetrics first
 * (`application/openmetrics-text;version=1.0.0,…,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`);
 * anything else, or no Accept at all, gets text 0.0.4. The media type decides, not the exact
 * version parameter (clients disagree about versions: prometheus/common#456).
 */
import type {ExpositionFormat} from '../model/index.js'

/**
 * prom-client's own content types (Registry.PROMETHEUS_CONTENT_TYPE and OPENMETRICS_CONTENT_TYPE;
 * a unit test keeps them equal), written out so that the metrics thread, which answers every
 * scrape, does not load prom-client for two strings (about 4 MiB of a second heap).
 */
export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
}

export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'prometheus'
  let best: ExpositionFormat = 'prometheus'
  let bestQ = -1
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((s) => s.trim().toLowerCase())
    let q = 1
    for (const p of params) if (p.startsWith('q=')) q = Number(p.slice(2)) || 0
    if (q <= 0) continue
    const format: ExpositionFormat | undefined =
      type === 'application/openmetrics-text'
        ? 'openmetrics'
        : type === 'text/plain' || type === '*/*' || type === 'text/*'
          ? 'prometheus'
          : undefined
    // Ties go to the first listed, as the client ordered them.
    if (format && q > bestQ) {
      best = format
      bestQ = q
    }
  }
  return best
}
