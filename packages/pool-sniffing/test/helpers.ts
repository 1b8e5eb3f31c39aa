import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { undiciConnection } from '@stretch/connection-undici'
import { roundRobinSelector } from '@stretch/pool-round-robin'
import { type Clock, type Middleware, Transport, type TransportOptions, withHeader } from '@stretch/transport'
import type { SniffEvent } from '../src/index.js'
import { sniffChannel } from '../src/index.js'

/** A clock whose time moves only when told; waits end at once (retry backoff plays no role here). */
export interface ManualClock extends Clock {
  advance(ms: number): void
}

export function manualClock(): ManualClock {
  let t = 1_000_000
  return {
    now: () => t,
    sleep: (_ms, signal) => (signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve()),
    advance: (ms) => {
      t += ms
    },
  }
}

/** A tiny credential middleware, as an auth package would provide. */
export function authorization(value: string): Middleware {
  return (next) => (request) =>
    request.headers['authorization'] !== undefined ? next(request) : next(withHeader(request, 'authorization', value))
}

/** A transport over real sockets with a round robin, as the client builds it. */
export function transport(options: TransportOptions): Transport {
  return new Transport({
    connection: undiciConnection({ proxy: false }),
    selector: roundRobinSelector(),
    retryBackoff: 0,
    ...options,
  })
}

/** Resolves with the next sniff event (optionally: the next one matching `test`). */
export function nextSniff(test: (event: SniffEvent) => boolean = () => true): Promise<SniffEvent> {
  return new Promise((resolve) => {
    const listener = (message: unknown): void => {
      const event = message as SniffEvent
      if (!test(event)) return
      unsubscribe(sniffChannel, listener)
      resolve(event)
    }
    subscribe(sniffChannel, listener)
  })
}

/** Sends `n` GET requests, `concurrency` at a time; returns how many failed. */
export async function load(
  t: Transport,
  n: number,
  concurrency = 1,
  between?: (i: number) => Promise<void> | void,
  path = '/docs/_doc/1',
): Promise<unknown[]> {
  const errors: unknown[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++
      await between?.(i)
      try {
        await t.request({ method: 'GET', path })
      } catch (error) {
        errors.push(error)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return errors
}
