import {escapeHtml, send, sendText, type Route} from './http.js'

/** `/`: what this server offers, for a person who opened it in a browser. */
export function landingPage(telemetryPath: string, version: string): Route {
  const p = escapeHtml(telemetryPath)
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>cadv</title></head>
<body>
<h1>cadv ${escapeHtml(version)}</h1>
<p>A container monitor for Linux, exposing per-container statistics with cAdvisor's metric names.</p>
<ul>
<li><a href="${p}">${p}</a>: Prometheus metrics (also at <a href="/metrics/cadvisor">/metrics/cadvisor</a>, where the kubelet serves them)</li>
<li><a href="/api/v2.1/stats/?recursive=true&amp;count=1">/api/v2.1/stats/</a>: cAdvisor's REST API (v1.0–v1.3, v2.0, v2.1): containers, machine, events, processes</li>
<li><a href="/healthz">/healthz</a>: health check</li>
</ul>
</body>
</html>
`
  return {
    matches: (path) => path === '/',
    handle: (_req, res) => send(res, 200, 'text/html; charset=utf-8', html),
  }
}

/** `/healthz`: the process is up and serving. */
export const healthz: Route = {
  matches: (path) => path === '/healthz',
  handle: (_req, res) => sendText(res, 200, 'ok\n'),
}
