/*
 * Talking to cadv: every address is relative to the UI's root, found from this script's own
 * address (it is served at <root>static/app.js), so the pages work under any path prefix a
 * proxy adds. Requests carry the page's credentials (basic auth the browser already sent).
 */
export const ROOT = new URL('../', import.meta.url)

/** An absolute URL for a path relative to the UI's root (`api/v1/machine`). */
export function url(path: string): string {
  return new URL(path, ROOT).href
}

/** A container name as a path below containers/, each part percent-encoded. */
export function encodeName(name: string): string {
  return name === '/' ? '/' : name.split('/').map(encodeURIComponent).join('/')
}

/** The address of a container's page. */
export function pageOf(name: string): string {
  return url(`containers${encodeName(name)}`)
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url(path), {credentials: 'same-origin', headers: {Accept: 'application/json'}, signal})
  if (!res.ok) {
    // Read the body so the connection is reused; the status says what went wrong.
    await res.text().catch(() => '')
    throw new HttpError(res.status, `${path}: HTTP ${res.status}`)
  }
  return (await res.json()) as T
}

/**
 * Runs `tick` every `intervalMs`, one at a time (the next waits for the last), not while the
 * page is hidden (it runs once at once when the page shows again).
 */
export class Poller {
  private timer: ReturnType<typeof setTimeout> | undefined
  private running = false
  private stopped = true
  private readonly onVisible = (): void => {
    if (!document.hidden && !this.stopped && !this.running) this.kick()
  }

  constructor(
    private readonly tick: () => Promise<void>,
    public intervalMs: number,
  ) {}

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    document.addEventListener('visibilitychange', this.onVisible)
    this.kick()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    document.removeEventListener('visibilitychange', this.onVisible)
  }

  private kick(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.running = true
    this.tick()
      .catch(() => undefined)
      .finally(() => {
        this.running = false
        if (this.stopped || document.hidden) return
        this.timer = setTimeout(() => this.kick(), this.intervalMs)
      })
  }
}
