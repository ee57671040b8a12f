// Builds the web UI (web/) into dist/web: one script with uPlot bundled, one stylesheet with
// uPlot's, the icon. Nothing is fetched at run time; cadv serves these files itself
// (src/lib/metrics/web-ui/).
import {copyFileSync, mkdirSync, readFileSync, renameSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = `${root}dist/web`
const uplot = JSON.parse(readFileSync(`${root}node_modules/uplot/package.json`, 'utf8'))
const banner = `/*! cadv web UI. Includes uPlot ${uplot.version} (MIT License, Copyright (c) 2025 Leon Sorokin). */`

mkdirSync(out, {recursive: true})
await build({
  absWorkingDir: root,
  entryPoints: {app: 'web/src/main.ts', 'app-css': 'web/src/app.css'},
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // Browsers of the last few years; the bundle uses nothing newer.
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'inline',
  banner: {js: banner, css: banner},
  outdir: out,
  entryNames: '[name]',
  logLevel: 'warning',
})
// The stylesheet entry is named apart from the script's so both can be built in one go.
renameSync(`${out}/app-css.css`, `${out}/app.css`)
copyFileSync(`${root}web/static/favicon.svg`, `${out}/favicon.svg`)
