/*
 * `--web-config-file` in the Prometheus exporter-toolkit format (YAML):
 *
 *   tls_server_config: {cert_file, key_file, client_auth_type, client_ca_file, min_version, max_version}
 *   http_server_config: {headers: {Name: value}}
 *   basic_auth_users: {user: <bcrypt hash>}
 *   rate_limit: {interval: 1s, burst: 10}
 *
 * Relative paths are relative to the file. The file is re-read when it (or a file it names)
 * changes, checked at most once a second.
 */
import {createHash} from 'node:crypto'
import {readFileSync, statSync} from 'node:fs'
import {dirname, isAbsolute, join} from 'node:path'

import bcrypt from 'bcryptjs'
import {parse as parseYaml} from 'yaml'

import {parseDuration} from '../util/index.js'

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

let decoyHash: string | undefined

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
  try {
    doc = parseYaml(readFileSync(path, 'utf8'))
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
      return readFileSync(full)
    } catch (err) {
      throw new WebConfigError(`${where}: cannot read ${what} ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
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
    config.tls = {cert, key, ca, clientAuth, minVersion: version('min_version', 'TLS12')!, maxVersion: version('max_version')}
  }

  const http = doc.http_server_config
  if (http !== undefined && http !== null) {
    if (!isObj(http)) throw new WebConfigError(`${where}: http_server_config must be a mapping`)
    checkKeys(http, `${where}: http_server_config`, ['http2', 'headers'])
    if (http.headers !== undefined) {
      if (!isObj(http.headers)) throw new WebConfigError(`${where}: http_server_config.headers must be a mapping`)
      for (const [k, v] of Object.entries(http.headers)) config.headers[k] = String(v)
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

/**
 * The current web config, reloaded when one of its files changes. A reload that fails keeps
 * serving nothing but errors (fail closed) until the file is fixed: a typo must not silently
 * drop the authentication the previous version had.
 */
export class WebConfigWatcher {
  private config: WebConfig
  private error: WebConfigError | undefined
  private stamps: string
  private checkedAt = 0
  private readonly passed = new Set<string>()
  private tokens = 0
  private tokensAt = Date.now()
  /** Called after a successful reload (the server swaps its TLS context). */
  onReload: (config: WebConfig) => void = () => undefined
  onError: (err: Error) => void = () => undefined

  constructor(private readonly path: string) {
    this.config = loadWebConfig(path)
    this.stamps = this.fileStamps(this.config.files)
    this.tokens = this.config.rateLimit?.burst ?? 0
  }

  private fileStamps(files: string[]): string {
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

  /** The config in force now (re-checking the files at most once a second); throws while the file is broken. */
  current(): WebConfig {
    const now = Date.now()
    if (now - this.checkedAt >= 1000) {
      this.checkedAt = now
      const stamps = this.fileStamps(this.error ? [this.path] : this.config.files)
      if (stamps !== this.stamps || this.error) this.reload()
    }
    if (this.error) throw this.error
    return this.config
  }

  private reload(): void {
    try {
      const next = loadWebConfig(this.path)
      const stamps = this.fileStamps(next.files)
      const wasBroken = this.error !== undefined
      this.error = undefined
      if (stamps === this.stamps && !wasBroken) return
      this.config = next
      this.stamps = stamps
      this.passed.clear()
      this.tokens = next.rateLimit?.burst ?? 0
      this.onReload(next)
    } catch (err) {
      const e = err instanceof WebConfigError ? err : new WebConfigError((err as Error).message)
      if (!this.error || this.error.message !== e.message) this.onError(e)
      this.error = e
      this.stamps = this.fileStamps([this.path])
    }
  }

  /**
   * Checks an Authorization header against basic_auth_users. A bcrypt comparison costs tens of
   * milliseconds, so a successful (user, password, hash) triple is remembered as a hash.
   */
  async authorize(header: string | undefined): Promise<boolean> {
    const users = this.config.users
    if (!users) return true
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
    if (!m) return false
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) return false
    const user = decoded.slice(0, colon)
    const password = decoded.slice(colon + 1)
    const hash = users.get(user)
    // Compare against a hash even for unknown users, so timing does not reveal who exists.
    const against = hash ?? (decoyHash ??= bcrypt.hashSync('cadv decoy', 10))
    const key = createHash('sha256').update(`${user}\0${password}\0${against}`).digest('hex')
    if (hash && this.passed.has(key)) return true
    const ok = await bcrypt.compare(password, against)
    if (ok && hash) {
      this.passed.add(key)
      return true
    }
    return false
  }

  /** Token bucket of rate_limit; true when the request may proceed. */
  allow(): boolean {
    const rl = this.config.rateLimit
    if (!rl) return true
    const now = Date.now()
    this.tokens = Math.min(rl.burst, this.tokens + (now - this.tokensAt) / rl.intervalMs)
    this.tokensAt = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
