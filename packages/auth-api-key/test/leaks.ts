import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { inspect } from 'node:util'
import { channels } from '@stretch/transport'

/**
 * Records every event Stretch publishes on its diagnostics channels until `stop()`. `text()` renders all of them
 * (and anything else given) the ways a logger would, to search for a planted secret.
 */
export function recordDiagnostics(): { events: { channel: string; message: unknown }[]; stop(): void } {
  const events: { channel: string; message: unknown }[] = []
  const listeners = Object.values(channels).map((name) => {
    const listener = (message: unknown): void => {
      events.push({ channel: name, message })
    }
    subscribe(name, listener)
    return [name, listener] as const
  })
  return {
    events,
    stop: () => {
      for (const [name, listener] of listeners) unsubscribe(name, listener)
    },
  }
}

/** Every way a value is usually printed or logged, concatenated. */
export function printed(...values: unknown[]): string {
  return values
    .map((value) => {
      const json = (() => {
        try {
          return JSON.stringify(value) ?? ''
        } catch {
          return ''
        }
      })()
      const error = value instanceof Error ? `${value.message}\n${value.stack ?? ''}\n${String(value.cause)}` : ''
      return `${inspect(value, { depth: null, showHidden: true, getters: true })}\n${json}\n${String(value)}\n${error}`
    })
    .join('\n')
}
