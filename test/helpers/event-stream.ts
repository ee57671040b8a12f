/*
 * A client of cAdvisor's events API with stream=true: the response stays open and carries one
 * JSON event per line as it happens. Collects the lines with the time each arrived.
 */
import {request as httpRequest, type ClientRequest} from 'node:http'
import {request as httpsRequest, type RequestOptions} from 'node:https'

import {until} from './wait.js'

export interface StreamedEvent {
  container_name: string
  timestamp: string
  event_type: string
  event_data: Record<string, unknown>
}

export class EventStream {
  readonly lines: Array<{receivedMs: number; event: StreamedEvent}> = []
  status = 0
  contentType = ''
  private readonly req: ClientRequest

  /** Opens `path` (with stream=true in it) on `base` (http://host:port or https://…). */
  constructor(base: string, path: string, options: {tls?: Pick<RequestOptions, 'ca' | 'cert' | 'key'>; auth?: string} = {}) {
    const u = new URL(base)
    const request = u.protocol === 'https:' ? httpsRequest : httpRequest
    this.req = request({
      host: u.hostname,
      port: u.port,
      path,
      headers: options.auth ? {authorization: options.auth} : {},
      ...(options.tls ?? {}),
    })
    this.req.on('response', (res) => {
      this.status = res.statusCode ?? 0
      this.contentType = String(res.headers['content-type'])
      let buf = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        buf += d
        let i
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i)
          buf = buf.slice(i + 1)
          if (line.trim()) this.lines.push({receivedMs: Date.now(), event: JSON.parse(line) as StreamedEvent})
        }
      })
    })
    // A stream we close ourselves ends in an error we do not care about.
    this.req.on('error', () => undefined)
    this.req.end()
  }

  /** Resolves once the server answered with its headers (the stream is registered by then). */
  async opened(): Promise<this> {
    await until('the event stream to open', () => this.status !== 0)
    return this
  }

  events(type?: string): StreamedEvent[] {
    return this.lines.map((l) => l.event).filter((e) => type === undefined || e.event_type === type)
  }

  close(): void {
    this.req.destroy()
  }
}
