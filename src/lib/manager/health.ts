/*
 * Health-check status of the containers that have a health check (docker, podman), asked of
 * their runtime every `intervalMs` in the background. cAdvisor inspects every docker container
 * on every housekeeping tick for it (one runtime call per container per second by default);
 * here only containers whose inspect showed a health check are asked, one at a time, at most
 * once per interval, and never from housekeeping.
 */
import type {ContainerResolver, ContainerState} from '../model/index.js'

export const DEFAULT_HEALTH_INTERVAL_MS = 10_000

export interface HealthPollerOptions {
  resolver: ContainerResolver
  containers: () => Iterable<ContainerState>
  intervalMs?: number
  /** A container's status changed (its `info` was replaced). */
  onChange?: (state: ContainerState) => void
}

export class HealthPoller {
  private timer: NodeJS.Timeout | undefined
  private running = false
  private stopped = false

  constructor(private readonly options: HealthPollerOptions) {}

  start(): void {
    if (!this.options.resolver.health) return
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs ?? DEFAULT_HEALTH_INTERVAL_MS)
    this.timer.unref()
  }

  stop(): void {
    this.stopped = true
    clearInterval(this.timer)
  }

  /** One round over the containers with a health check; a round still running is not doubled. */
  async poll(): Promise<void> {
    const ask = this.options.resolver.health?.bind(this.options.resolver)
    if (!ask || this.running) return
    this.running = true
    try {
      // Only the few with a health check are kept for the round (not a copy of every container:
      // 10,000 of them every interval, most without one).
      const checked: ContainerState[] = []
      for (const state of this.options.containers()) if (state.info?.health !== undefined) checked.push(state)
      for (const state of checked) {
        if (this.stopped) return
        const info = state.info
        if (info?.health === undefined) continue
        let status: string | undefined
        try {
          status = await ask(info)
        } catch {
          // The runtime did not answer: keep the last status until it does.
          continue
        }
        // Replaced, never mutated: a new info object is how the exposition sees a change.
        if (status !== info.health && state.info === info) {
          const next = {...info}
          if (status === undefined) delete next.health
          else next.health = status
          state.info = next
          this.options.onChange?.(state)
        }
      }
    } finally {
      this.running = false
    }
  }
}
