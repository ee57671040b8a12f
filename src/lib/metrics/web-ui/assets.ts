/*
 * The web UI's built files (dist/web, made by `npm run build` from web/): read once, served
 * with an ETag, gzipped when the client accepts it. The same path resolves from src/ (tsx) and
 * from dist/, both four levels below the package root.
 */
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {gzipSync} from 'node:zlib'

export const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../../../dist/web/', import.meta.url))

/** The files every page needs; a build without them is not a web UI. */
export const REQUIRED_ASSETS = ['app.js', 'app.css', 'favicon.svg'] as const

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  txt: 'text/plain; charset=utf-8',
}

export interface Asset {
  type: string
  body: Buffer
  gzipped: Buffer
  etag: string
}

export interface Assets {
  files: Map<string, Asset>
  /** Why the UI cannot be served (a missing build), or undefined. */
  missing?: string
}

export function loadAssets(dir = DEFAULT_ASSETS_DIR): Assets {
  const files = new Map<string, Asset>()
  let names: string[] = []
  try {
    names = readdirSync(dir)
  } catch {
    // reported below as missing files
  }
  for (const name of names) {
    const type = TYPES[name.slice(name.lastIndexOf('.') + 1)]
    if (!type) continue
    const body = readFileSync(join(dir, name))
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
    files.set(name, {type, body, gzipped: gzipSync(body, {level: 9}), etag})
  }
  const absent = REQUIRED_ASSETS.filter((f) => !files.has(f))
  return {files, missing: absent.length > 0 ? `web UI files missing in ${dir} (${absent.join(', ')}): run npm run build` : undefined}
}
