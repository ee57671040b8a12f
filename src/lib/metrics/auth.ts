/*
 * Basic auth and the rate limit of the web config, for `cadv serve`. Three rules:
 *
 * - bcrypt never runs on the event loop: comparisons go to one worker thread, at nice 10,
 *   so /healthz and scrapes stay fast while wrong passwords are checked;
 * - a client with valid credentials is never locked out by others: a successful check is
 *   remembered (keyed by an HMAC with a per-process random key, never the password) for
 *   CACHE_TTL_MS, and a remembered credential skips the rate limit and the queue; the rate
 *   limit and the queue are per client address;
 * - unknown users cost what known ones do: their password is compared with a decoy hash of
 *   the users' (highest) cost, so timing does not tell which users exist.
 */
import {createHmac, randomBytes} from 'node:crypto'
import {Worker} from 'node:worker_threads'

import {keepYoungGenerationAcross} from '../util/index.js'

/** A job for the worker. */
interface BcryptJob {
  id: number
  op: 'compare' | 'hash'
  password: string
  /** compare: the hash to check against. */
  hash?: string
  /** hash: the cost (log2 rounds). */
  cost?: number
}

interface BcryptReply {
  id: number
  ok?: boolean
  hash?: string
  error?: string
}

/**
 * The worker's code, a script (CommonJS) rather than a module file so that it runs the same
 * from the built code and from the TypeScript sources (Node 20 does not pass module loader
 * hooks such as tsx on to workers). It loads the bcryptjs the main thread resolved.
 */
const WORKER_SOURCE = `
const {parentPort, workerData} = require('node:worker_threads')
// Password checks are background work: the thread runs at nice 10, so the event loop (scrapes,
// /healthz) and the host's own work come first. setpriority on a thread id changes only that
// thread on Linux.
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop())
  require('node:os').setPriority(tid, Math.max(require('node:os').getPriority(tid), 10))
} catch {}
import(workerData.bcrypt).then(({default: bcrypt}) => {
  parentPort.on('message', (job) => {
    let reply
    try {
      reply = job.op === 'compare'
        ? {id: job.id, ok: bcrypt.compareSync(job.password, job.hash)}
        : {id: job.id, hash: bcrypt.hashSync(job.password, job.cost)}
    } catch (err) {
      reply = {id: job.id, error: String(err && err.message)}
    }
    parentPort.postMessage(reply)
  })
})
`

/** ok: go on; denied: 401; limited: 429 (this client is over rate_limit); busy: 503 (this client's checks are queued already). */
export type Verdict = 'ok' | 'denied' | 'limited' | 'busy'

export interface AuthSettings {
  /** user → bcrypt hash; undefined: no basic auth. */
  users?: ReadonlyMap<string, string>
  rateLimit?: {intervalMs: number; burst: number}
}

export interface AuthStats {
  /** Requests let in by a remembered successful check (no bcrypt). */
  remembered: number
  /** Requests let in by a bcrypt comparison. */
  verified: number
  /** bcrypt comparisons run (verified, wrong passwords and unknown users). */
  compared: number
  denied: number
  limited: number
  busy: number
}

/** How long a successful check is remembered. */
const CACHE_TTL_MS = 15 * 60_000
const MAX_REMEMBERED = 1024
/** Client addresses whose rate-limit state is kept; the oldest are forgotten past it. */
const MAX_CLIENTS = 4096
/** bcrypt checks waiting per client address, and in all. */
const MAX_PENDING_PER_CLIENT = 4
const MAX_PENDING = 32

/** One worker thread, started on first use, restarted if it dies; it never keeps the process alive. */
class BcryptPool {
  private worker: Worker | undefined
  private nextId = 1
  private readonly waiting = new Map<number, {resolve: (r: BcryptReply) => void; reject: (e: Error) => void}>()

  get pending(): number {
    return this.waiting.size
  }

  run(job: Omit<BcryptJob, 'id'>): Promise<BcryptReply> {
    const worker = this.start()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {resolve, reject})
      worker.ref()
      worker.postMessage({...job, id})
    })
  }

  private start(): Worker {
    if (this.worker) return this.worker
    // The parent's --inspect flags must not open a second debugger port in the worker.
    const execArgv = process.execArgv.filter((a) => !/^--inspect/.test(a) && !/^--debug/.test(a))
    const worker = new Worker(WORKER_SOURCE, {eval: true, execArgv, workerData: {bcrypt: import.meta.resolve('bcryptjs')}})
    keepYoungGenerationAcross(worker)
    worker.unref()
    worker.on('message', (r: BcryptReply) => {
      const w = this.waiting.get(r.id)
      if (!w) return
      this.waiting.delete(r.id)
      if (this.waiting.size === 0) worker.unref()
      w.resolve(r)
    })
    const fail = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined
      for (const w of this.waiting.values()) w.reject(err)
      this.waiting.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`bcrypt worker exited with ${code}`)))
    this.worker = worker
    return worker
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = undefined
    if (w) await w.terminate()
  }
}

function bcryptCost(hash: string): number {
  return Number(/^\$2[abxy]?\$(\d\d)\$/.exec(hash)?.[1] ?? 10)
}

/** user and password of a Basic Authorization header, or undefined when it is not one. */
export function parseBasic(header: string | undefined): {user: string; password: string} | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (!m) return undefined
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return {user: decoded.slice(0, colon), password: decoded.slice(colon + 1)}
}

export class Authenticator {
  private settings: AuthSettings = {}
  private readonly key = randomBytes(32)
  /** HMAC of (user, password, hash) → when it stops being trusted. Map order is recency. */
  private readonly remembered = new Map<string, number>()
  private readonly buckets = new Map<string, {tokens: number; at: number}>()
  private readonly pendingByClient = new Map<string, number>()
  private decoy: Promise<string> | undefined
  private cost = 0
  private readonly pool = new BcryptPool()
  readonly stats: AuthStats = {remembered: 0, verified: 0, compared: 0, denied: 0, limited: 0, busy: 0}

  constructor(settings: AuthSettings = {}) {
    this.configure(settings)
  }

  /**
   * Takes a new web config's users and rate limit (a reload). Remembered checks stay: each is
   * keyed by the user's hash too, so a changed password or a removed user never matches one.
   */
  configure(settings: AuthSettings): void {
    const rate = (r: AuthSettings['rateLimit']): string => (r ? `${r.intervalMs}/${r.burst}` : '')
    if (rate(settings.rateLimit) !== rate(this.settings.rateLimit)) this.buckets.clear()
    this.settings = settings
    const users = settings.users
    if (!users || users.size === 0) return
    const cost = Math.max(...[...users.values()].map(bcryptCost))
    if (cost !== this.cost) {
      this.cost = cost
      this.decoy = undefined
    }
    // Made in the worker, at the users' cost, as soon as the config is known.
    void this.decoyHash().catch(() => undefined)
  }

  /** A hash of a random password at the users' cost, for unknown users; made again if making it failed. */
  private decoyHash(): Promise<string> {
    this.decoy ??= this.pool.run({op: 'hash', password: randomBytes(16).toString('hex'), cost: this.cost}).then((r) => {
      if (!r.hash) throw new Error(r.error ?? 'no decoy hash')
      return r.hash
    })
    const decoy = this.decoy
    decoy.catch(() => {
      if (this.decoy === decoy) this.decoy = undefined
    })
    return decoy
  }

  /** The cost unknown users are checked at: the highest of the configured users' hashes. */
  get decoyCost(): number {
    return this.cost
  }

  /** Whether the request from `client` (its address) with this Authorization header may proceed. */
  async check(client: string, header: string | undefined, now = Date.now()): Promise<Verdict> {
    const users = this.settings.users
    if (!users) return this.take(client, now) ? 'ok' : this.count('limited')
    const creds = parseBasic(header)
    if (!creds) return this.take(client, now) ? this.count('denied') : this.count('limited')
    const hash = users.get(creds.user)
    const id = createHmac('sha256', this.key)
      .update(`${creds.user}\0${creds.password}\0${hash ?? ''}`)
      .digest('base64')
    const until = this.remembered.get(id)
    if (hash !== undefined && until !== undefined && until > now) {
      this.remembered.delete(id)
      this.remembered.set(id, until)
      this.stats.remembered++
      return 'ok'
    }
    if (!this.take(client, now)) return this.count('limited')
    const mine = this.pendingByClient.get(client) ?? 0
    if (mine >= MAX_PENDING_PER_CLIENT || this.pool.pending >= MAX_PENDING) return this.count('busy')
    this.pendingByClient.set(client, mine + 1)
    let ok: boolean
    try {
      // The same work for an unknown user: a comparison with a hash of the same cost.
      const against = hash ?? (await this.decoyHash())
      this.stats.compared++
      const r = await this.pool.run({op: 'compare', password: creds.password, hash: against})
      if (r.error !== undefined) return this.count('busy')
      ok = r.ok === true && hash !== undefined
    } catch {
      return this.count('busy')
    } finally {
      const left = (this.pendingByClient.get(client) ?? 1) - 1
      if (left > 0) this.pendingByClient.set(client, left)
      else this.pendingByClient.delete(client)
    }
    if (!ok) return this.count('denied')
    this.stats.verified++
    // Remember only if the config did not change meanwhile.
    if (this.settings.users?.get(creds.user) === hash) {
      this.remembered.set(id, now + CACHE_TTL_MS)
      if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!)
    }
    return 'ok'
  }

  close(): Promise<void> {
    return this.pool.close()
  }

  private count(v: Exclude<Verdict, 'ok'>): Verdict {
    this.stats[v]++
    return v
  }

  /** rate_limit as a token bucket per client address; true when the request may proceed. */
  private take(client: string, now: number): boolean {
    const rl = this.settings.rateLimit
    if (!rl) return true
    let b = this.buckets.get(client)
    if (b) this.buckets.delete(client)
    else {
      b = {tokens: rl.burst, at: now}
      if (this.buckets.size >= MAX_CLIENTS) this.buckets.delete(this.buckets.keys().next().value!)
    }
    b.tokens = Math.min(rl.burst, b.tokens + (now - b.at) / rl.intervalMs)
    b.at = now
    this.buckets.set(client, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }
}
