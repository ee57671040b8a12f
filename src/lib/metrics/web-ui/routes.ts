/*
 * The web UI: / leads a browser to containers/, /containers/<name> serves the page (the same small
 * document for every container: the script reads the name from the address and draws from the
 * JSON API), /docker/<name, id or prefix> and /podman/… lead to a container's page (/docker/
 * lists the runtime's containers), /static/ serves the built files.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {ContainerView} from '../../model/index.js'
import {send, sendText, type Route} from '../http.js'
import {lookupAlias} from '../aliases.js'
import {loadAssets, type Assets} from './assets.js'
import {setUiHeaders} from './headers.js'
import {encodeName, nameOf, toRoot} from './paths.js'

export interface WebUiOptions {
  /** Where the built files are (default: the package's dist/web). */
  assetsDir?: string
  /** --url-base-prefix: the server strips it before the routes see a path. */
  urlBasePrefix?: string
}

const CONTAINERS = '/containers'
const STATIC = '/static/'
/** Runtimes whose aliases have a path of their own, as in cAdvisor. */
export const ALIAS_RUNTIMES = ['docker', 'podman'] as const

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  setUiHeaders(res)
  send(res, 302, 'text/plain; charset=utf-8', `see ${location}\n`, {Location: location, 'Cache-Control': 'no-store', ...headers})
}

/** The page: only the path back to the root varies, and it holds nothing but dots and slashes. */
function shell(root: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cadv</title>
<link rel="icon" href="${root}static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${root}static/app.css">
<script type="module" src="${root}static/app.js"></script>
</head>
<body>
<noscript><p>These pages draw with JavaScript. The same data is at <a href="${root}api/v1/containers">api/v1/containers</a> and <a href="${root}metrics">metrics</a>.</p></noscript>
</body>
</html>
`
}

function unavailable(res: ServerResponse, assets: Assets): boolean {
  if (!assets.missing) return false
  sendText(res, 503, `${assets.missing}\n`)
  return true
}

function serveStatic(req: IncomingMessage, res: ServerResponse, assets: Assets, path: string): void {
  const file = assets.files.get(path.slice(STATIC.length))
  if (!file) {
    sendText(res, 404, 'not found\n')
    return
  }
  setUiHeaders(res)
  const headers: Record<string, string> = {ETag: file.etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding'}
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
  if (gzip) headers['Content-Encoding'] = 'gzip'
  send(res, 200, file.type, gzip ? file.gzipped : file.body, headers)
}

/** The web UI's routes; `landing` answers / for clients that are not browsers. */
export function webUiRoutes(view: ContainerView, options: WebUiOptions = {}, landing?: Route): Route[] {
  const assets = loadAssets(options.assetsDir)
  // Under --url-base-prefix, / is both `<prefix>` and `<prefix>/` to the browser, and a relative
  // `containers/` from `<prefix>` would leave the prefix: the prefix is spelled out (as cAdvisor
  // does). Everywhere else addresses stay relative.
  const home = options.urlBasePrefix ? `${options.urlBasePrefix}/containers/` : 'containers/'
  // Only browsers are sent on (they ask for text/html); a script asking for / keeps getting
  // the landing page's links, which comes after these routes.
  const root: Route = {
    matches: (path) => path === '/',
    handle(req, res) {
      if (!landing || /\btext\/html\b/.test(String(req.headers.accept ?? ''))) return redirect(res, home, {Vary: 'Accept'})
      res.setHeader('Vary', 'Accept')
      return landing.handle(req, res, new URL('http://cadv/'))
    },
  }
  const pages: Route = {
    matches: (path) => path === CONTAINERS || path.startsWith(`${CONTAINERS}/`),
    handle(_req, res, url) {
      const path = url.pathname
      if (path === CONTAINERS) return redirect(res, `containers/${url.search}`)
      if (unavailable(res, assets)) return
      const name = nameOf(path, CONTAINERS)
      if (name === undefined) {
        sendText(res, 400, 'bad container name encoding\n')
        return
      }
      setUiHeaders(res)
      // A name not (or no longer) tracked gets the page too: it says so and waits for the
      // container, which may be starting. (A 404 would be an error in the browser's console.)
      send(res, 200, 'text/html; charset=utf-8', shell(toRoot(path)), {'Cache-Control': 'no-cache'})
    },
  }
  const aliases: Route[] = ALIAS_RUNTIMES.map((runtime) => ({
    matches: (path) => path === `/${runtime}` || path.startsWith(`/${runtime}/`),
    handle(_req, res, url) {
      const path = url.pathname
      const ref = nameOf(path, `/${runtime}`)
      if (ref === undefined) {
        sendText(res, 400, 'bad name encoding\n')
        return
      }
      const up = toRoot(path)
      if (ref === '/') return redirect(res, `${up}containers/?filter=${encodeURIComponent(`factory:${runtime}`)}`)
      // The REST API's lookup (its /api/v1.3/docker/<x>): exact name or id, else a unique prefix.
      const r = lookupAlias(view, runtime, ref.slice(1))
      if ('found' in r) return redirect(res, `${up}containers${encodeName(r.found.name)}`)
      const why = 'ambiguous' in r ? `${r.ambiguous} ${runtime} containers have a name or id starting with` : `no ${runtime} container`
      sendText(res, 404, `${why} "${ref.slice(1)}"\n`)
    },
  }))
  const files: Route = {
    matches: (path) => path.startsWith(STATIC),
    handle(req, res, url) {
      if (unavailable(res, assets)) return
      serveStatic(req, res, assets, url.pathname)
    },
  }
  return [root, pages, ...aliases, files]
}
