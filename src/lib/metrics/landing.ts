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
<li><a href="/api/v1/containers">/api/v1/containers</a>: containers and their latest sample (JSON)</li>
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
