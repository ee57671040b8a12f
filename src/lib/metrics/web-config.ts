/*
 * `--web-config-file` in the Prometheus exporter-toolkit format (YAML):
 *
 *   tls_server_config: {cert_file, key_file, client_auth_type, client_ca_file, min_version, max_version}
 *   http_server_config: {headers: {Name: value}}
 *   basic_auth_users: {user: <bcrypt hash>}
 *   rate_limit: {interval: 1s, burst: 10}
 *
 * Relative paths are relative to the file. The config and every file it names are read as
 * regular files of at most 1 MiB; certificates and keys are checked when loaded, so a bad one
 * is one line naming the file (exit 2 at start, a refused reload later). The watcher below
 * decides which new versions take effect.
 */
import {X509Certificate} from 'node:crypto'
import {statSync} from 'node:fs'
import {validateHeaderName, validateHeaderValue} from 'node:http'
import {dirname, isAbsolute, join} from 'node:path'
import {createSecureContext} from 'node:tls'

import {MAX_CONFIG_FILE_BYTES, parseDuration, parseYaml, readBoundedFile, readBoundedText, UnreadableFileError} from '../util/index.js'

export class WebConfigError extends Error {
  readonly exitCode = 2
}

export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number]

const TLS_VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
}

export interface TlsSettings {
  cert: Buffer
  key: Buffer
  ca?: Buffer
  clientAuth: ClientAuthType
  minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'
}

export interface WebConfig {
  tls?: TlsSettings
  /** user → bcrypt hash; undefined when no basic auth is configured. */
  users?: Map<string, string>
  headers: Record<string, string>
  rateLimit?: {intervalMs: number; burst: number}
  /** Files whose changes trigger a reload (the config itself, certificates, CA). */
  files: string[]
}

type Obj = Record<string, unknown>

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function checkKeys(o: Obj, where: string, known: readonly string[]): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new WebConfigError(`${where}: unknown field "${k}"`)
}

function str(o: Obj, key: string, where: string): string | undefined {
  const v = o[key]
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v !== 'string') throw new WebConfigError(`${where}.${key} must be a string`)
  return v
}

/** Reads and validates a web config file; throws WebConfigError with a one-line message. */
export function loadWebConfig(path: string): WebConfig {
  let doc: unknown
  let text: string
  try {
    text = readBoundedText(path, MAX_CONFIG_FILE_BYTES)
  } catch (err) {
    throw new WebConfigError(`web config ${path}: ${readProblem(err)}`)
  }
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new WebConfigError(`web config ${path}: ${(err as Error).message.split('\n')[0]}`)
  }
  doc ??= {}
  if (!isObj(doc)) throw new WebConfigError(`web config ${path}: not a YAML mapping`)
  const where = `web config ${path}`
  checkKeys(doc, where, ['tls_server_config', 'http_server_config', 'basic_auth_users', 'rate_limit'])
  const dir = dirname(path)
  const resolve = (p: string): string => (isAbsolute(p) ? p : join(dir, p))
  const files = [path]
  const read = (p: string, what: string): Buffer => {
    const full = resolve(p)
    files.push(full)
    try {
      return readBoundedFile(full, MAX_CONFIG_FILE_BYTES)
    } catch (err) {
      throw new WebConfigError(`${where}: cannot read ${what} ${full}: ${readProblem(err)}`)
    }
  }
  const config: WebConfig = {headers: {}, files}

  const tls = doc.tls_server_config
  if (tls !== undefined && tls !== null) {
    if (!isObj(tls)) throw new WebConfigError(`${where}: tls_server_config must be a mapping`)
    const w = `${where}: tls_server_config`
    checkKeys(tls, w, [
      'cert_file',
      'key_file',
      'cert',
      'key',
      'client_auth_type',
      'client_ca_file',
      'client_ca',
      'client_allowed_sans',
      'min_version',
      'max_version',
      'cipher_suites',
      'prefer_server_cipher_suites',
      'curve_preferences',
    ])
    const certFile = str(tls, 'cert_file', w)
    const keyFile = str(tls, 'key_file', w)
    if (!certFile && !str(tls, 'cert', w)) throw new WebConfigError(`${w}: cert_file (or cert) is required`)
    if (!keyFile && !str(tls, 'key', w)) throw new WebConfigError(`${w}: key_file (or key) is required`)
    const cert = certFile ? read(certFile, 'cert_file') : str(tls, 'cert', w) ? Buffer.from(str(tls, 'cert', w)!) : undefined
    const key = keyFile ? read(keyFile, 'key_file') : str(tls, 'key', w) ? Buffer.from(str(tls, 'key', w)!) : undefined
    if (!cert) throw new WebConfigError(`${w}: cert_file (or cert) is required`)
    if (!key) throw new WebConfigError(`${w}: key_file (or key) is required`)
    const clientAuth = (str(tls, 'client_auth_type', w) ?? 'NoClientCert') as ClientAuthType
    if (!CLIENT_AUTH_TYPES.includes(clientAuth))
      throw new WebConfigError(`${w}: client_auth_type "${clientAuth}" is not one of ${CLIENT_AUTH_TYPES.join(', ')}`)
    const caFile = str(tls, 'client_ca_file', w)
    const ca = caFile ? read(caFile, 'client_ca_file') : str(tls, 'client_ca', w) ? Buffer.from(str(tls, 'client_ca', w)!) : undefined
    if ((clientAuth === 'RequireAndVerifyClientCert' || clientAuth === 'VerifyClientCertIfGiven') && !ca) {
      throw new WebConfigError(`${w}: client_auth_type ${clientAuth} needs client_ca_file`)
    }
    const version = (key: string, fallback?: string) => {
      const v = str(tls, key, w) ?? fallback
      if (v === undefined) return undefined
      const mapped = TLS_VERSIONS[v]
      if (!mapped) throw new WebConfigError(`${w}: ${key} "${v}" is not one of ${Object.keys(TLS_VERSIONS).join(', ')}`)
      return mapped
    }
    checkTlsMaterial(
      w,
      {cert, key, ca},
      {cert: certFile ? resolve(certFile) : 'cert', key: keyFile ? resolve(keyFile) : 'key', ca: caFile ? resolve(caFile) : 'client_ca'},
    )
    config.tls = {cert, key, ca, clientAuth, minVersion: version('min_version', 'TLS12')!, maxVersion: version('max_version')}
  }

  const http = doc.http_server_config
  if (http !== undefined && http !== null) {
    if (!isObj(http)) throw new WebConfigError(`${where}: http_server_config must be a mapping`)
    checkKeys(http, `${where}: http_server_config`, ['http2', 'headers'])
    if (http.headers !== undefined) {
      if (!isObj(http.headers)) throw new WebConfigError(`${where}: http_server_config.headers must be a mapping`)
      for (const [k, v] of Object.entries(http.headers)) {
        const value = String(v)
        // A CR, LF or other control character in a header would make every response fail;
        // refuse it here, with the header's name, instead.
        try {
          validateHeaderName(k)
          validateHeaderValue(k, value)
        } catch {
          throw new WebConfigError(
            `${where}: http_server_config.headers: "${k}" is not a valid header name and value (no control characters)`,
          )
        }
        config.headers[k] = value
      }
    }
  }

  const users = doc.basic_auth_users
  if (users !== undefined && users !== null) {
    if (!isObj(users)) throw new WebConfigError(`${where}: basic_auth_users must be a mapping of user: bcrypt hash`)
    config.users = new Map()
    for (const [user, hash] of Object.entries(users)) {
      if (typeof hash !== 'string' || !/^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) {
        throw new WebConfigError(`${where}: basic_auth_users.${user} is not a bcrypt hash`)
      }
      config.users.set(user, hash)
    }
  }

  const rate = doc.rate_limit
  if (rate !== undefined && rate !== null) {
    if (!isObj(rate)) throw new WebConfigError(`${where}: rate_limit must be a mapping`)
    checkKeys(rate, `${where}: rate_limit`, ['interval', 'burst'])
    let interval = 0
    try {
      interval = typeof rate.interval === 'string' ? parseDuration(rate.interval) : 0
    } catch (err) {
      throw new WebConfigError(`${where}: rate_limit.interval: ${(err as Error).message}`)
    }
    const burst = Number(rate.burst ?? 0)
    if (interval > 0 && burst > 0) config.rateLimit = {intervalMs: interval, burst}
  }
  return config
}

function readProblem(err: unknown): string {
  if (err instanceof UnreadableFileError) return err.reason
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message
}

/** OpenSSL's reason without its codes: "error:0480006C:PEM routines::no start line" → "no start line". */
function sslReason(err: unknown): string {
  const m = (err as Error).message.split('\n')[0]!
  return m.replace(/^error:[0-9A-F]+:[^:]*::?/, '')
}

/**
 * Loads the certificate, the key and the CA the way the server will, one at a time, so that a
 * bad file is named: at start that is one line and exit 2 instead of OpenSSL's text and exit 1.
 */
function checkTlsMaterial(
  where: string,
  m: {cert: Buffer; key: Buffer; ca?: Buffer},
  names: {cert: string; key: string; ca: string},
): void {
  try {
    createSecureContext({cert: m.cert})
  } catch (err) {
    throw new WebConfigError(`${where}: cert_file ${names.cert}: not a PEM certificate (${sslReason(err)})`)
  }
  try {
    createSecureContext({key: m.key})
  } catch (err) {
    throw new WebConfigError(`${where}: key_file ${names.key}: not a PEM private key (${sslReason(err)})`)
  }
  try {
    createSecureContext({cert: m.cert, key: m.key})
  } catch (err) {
    throw new WebConfigError(`${where}: key_file ${names.key} does not belong to cert_file ${names.cert} (${sslReason(err)})`)
  }
  if (m.ca !== undefined) {
    try {
      // createSecureContext skips what is not a certificate in a CA bundle; parse it for real.
      new X509Certificate(m.ca)
      createSecureContext({ca: m.ca})
    } catch (err) {
      throw new WebConfigError(`${where}: client_ca_file ${names.ca}: not a PEM certificate (${sslReason(err)})`)
    }
  }
}

/** How much a config protects the endpoint, for the reload rule. */
function clientCertRank(tls: TlsSettings | undefined): number {
  switch (tls?.clientAuth) {
    case undefined:
    case 'NoClientCert':
    case 'RequestClientCert':
      return 0
    case 'RequireAnyClientCert':
    case 'VerifyClientCertIfGiven':
      return 1
    case 'RequireAndVerifyClientCert':
      return 2
  }
}

/**
 * Why `next` may not replace `current` by a reload, or undefined when it may: a reload never
 * drops a protection in force (TLS, basic auth, client certificate checks, the rate limit) and
 * never switches TLS on or off. An empty or half-written file is the usual cause (an editor or
 * a tool that rewrites the file in place); dropping a protection on purpose takes a restart.
 */
export function reloadRefusal(current: WebConfig, next: WebConfig): string | undefined {
  const lost: string[] = []
  if (current.tls && !next.tls) lost.push('TLS')
  if (current.users && !next.users) lost.push('basic_auth_users')
  if (current.tls && next.tls && clientCertRank(next.tls) < clientCertRank(current.tls))
    lost.push(`client_auth_type ${current.tls.clientAuth} (now ${next.tls.clientAuth})`)
  if (current.rateLimit && !next.rateLimit) lost.push('rate_limit')
  if (lost.length > 0)
    return `it drops ${lost.join(', ')}, which a reload may not do (an empty or partial file? write it atomically, or restart to drop a protection)`
  if (!current.tls && next.tls) return 'it turns TLS on, which needs a restart (the listeners are plain HTTP)'
  return undefined
}

/** How reloads went, for the metrics. */
export interface ReloadStats {
  successes: number
  refusals: number
  /** False while the newest version of the file is not in force. */
  lastSuccessful: boolean
}

/**
 * The web config in force, reloaded when one of its files changes (checked at most once a
 * second, when a request asks) or when reload() is called (SIGHUP). A new version takes effect
 * only when it is complete and valid and keeps every protection in force (reloadRefusal);
 * otherwise the previous config stays in force, onRefused says why (once per version), and the
 * reload metrics show it. Start-up is stricter: an invalid file is an error (exit 2).
 */
export class WebConfigWatcher {
  private config: WebConfig
  /** Stamps of the files in force when they were read; a change means a new version. */
  private stamps: string
  private checkedAt = 0
  /** The stamps of a version already refused, so it is refused (and said) once. */
  private refusedStamps: string | undefined
  readonly reloads: ReloadStats = {successes: 0, refusals: 0, lastSuccessful: true}
  /** Called after a new config took effect (the server swaps its TLS context, the authenticator its users). */
  onReload: (config: WebConfig) => void = () => undefined
  /** Called once per refused version (and on every explicit reload), with a one-line reason naming the file. */
  onRefused: (err: WebConfigError) => void = () => undefined

  constructor(private readonly path: string) {
    const {config, stamps} = this.read([path])
    this.config = config
    this.stamps = stamps
  }

  /** The config in force now (the files are looked at at most once a second). Never throws. */
  current(now = Date.now()): WebConfig {
    if (now - this.checkedAt >= 1000) {
      this.checkedAt = now
      const stamps = fileStamps(this.config.files)
      if (stamps !== this.stamps && stamps !== this.refusedStamps) this.reload(false)
    }
    return this.config
  }

  /**
   * Reads the files now; true when a new version took effect. `explicit` (SIGHUP) reports a
   * refusal even when this version was refused before.
   */
  reload(explicit = true): boolean {
    const version = fileStamps(this.config.files)
    let next: {config: WebConfig; stamps: string}
    try {
      next = this.read(this.config.files)
    } catch (err) {
      const e = err instanceof WebConfigError ? err : new WebConfigError(`web config ${this.path}: ${(err as Error).message}`)
      return this.refuse(version, `${e.message}; the previous config stays in force`, explicit)
    }
    const why = reloadRefusal(this.config, next.config)
    if (why !== undefined)
      return this.refuse(version, `web config ${this.path}: reload refused: ${why}; the previous config stays in force`, explicit)
    this.config = next.config
    this.stamps = next.stamps
    this.refusedStamps = undefined
    this.reloads.successes++
    this.reloads.lastSuccessful = true
    this.onReload(next.config)
    return true
  }

  /**
   * Loads the config with the stamps of its files. Stamps are taken before reading too: a file
   * that changes while it is read gets stamps that can never match, so it is read again.
   */
  private read(watched: readonly string[]): {config: WebConfig; stamps: string} {
    const before = fileStamps(watched)
    const config = loadWebConfig(this.path)
    const after = fileStamps(watched)
    return {config, stamps: before === after ? fileStamps(config.files) : 'changed while read'}
  }

  private refuse(version: string, message: string, explicit: boolean): false {
    this.reloads.lastSuccessful = false
    if (explicit || version !== this.refusedStamps) {
      this.refusedStamps = version
      this.reloads.refusals++
      this.onRefused(new WebConfigError(message))
    }
    return false
  }
}

function fileStamps(files: readonly string[]): string {
  return files
    .map((f) => {
      try {
        const s = statSync(f)
        return `${s.mtimeMs}:${s.size}:${s.ino}`
      } catch {
        return 'missing'
      }
    })
    .join('|')
}
