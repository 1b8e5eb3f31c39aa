import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { channels, type NodeEvent, type RetryEvent } from '@stretch/transport'

/** Counts the transport's events while a scenario runs. */
export function listenTransport(): {
  readonly retries: RetryEvent[]
  readonly dead: { at: number; event: NodeEvent }[]
  readonly alive: { at: number; event: NodeEvent }[]
  stop(): void
} {
  const retries: RetryEvent[] = []
  const dead: { at: number; event: NodeEvent }[] = []
  const alive: { at: number; event: NodeEvent }[] = []
  const onRetry = (e: unknown): void => {
    retries.push(e as RetryEvent)
  }
  const onDead = (e: unknown): void => {
    dead.push({ at: performance.now(), event: e as NodeEvent })
  }
  const onAlive = (e: unknown): void => {
    alive.push({ at: performance.now(), event: e as NodeEvent })
  }
  subscribe(channels.retry, onRetry)
  subscribe(channels.nodeDead, onDead)
  subscribe(channels.nodeAlive, onAlive)
  return {
    retries,
    dead,
    alive,
    stop() {
      unsubscribe(channels.retry, onRetry)
      unsubscribe(channels.nodeDead, onDead)
      unsubscribe(channels.nodeAlive, onAlive)
    },
  }
}
