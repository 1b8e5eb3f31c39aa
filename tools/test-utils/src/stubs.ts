import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { inspect } from 'node:util'
import {
  type Connection,
  channels,
  createNodePool,
  type Handler,
  isConfigurationError,
  type NodeDiscovery,
  type NodeOptions,
  type NodePool,
  type NodeSelector,
  type PoolNode,
  type TransportRequest,
} from '@stretch/transport'

/** Awaits `promise`, which must reject, and returns the rejection reason. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** Runs `fn`, which must throw a ConfigurationError, and returns it. */
export function configurationError(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    if (!isConfigurationError(error)) throw new Error(`expected a ConfigurationError, got ${String(error)}`)
    return error
  }
  throw new Error('expected a ConfigurationError')
}

/** A connection that must never be used: tests that only route or that answer from a stub handler. */
export const idleConnection: Connection = {
  request: () => Promise.reject(new Error('this connection is not used by the test')),
  close: () => Promise.resolve(),
}

/** Two real pool nodes whose connections are never used: a stub handler answers for them. */
export const stubNodes: readonly PoolNode[] = createNodePool({
  nodes: ['https://node-1.example:9200', 'https://node-2.example:9200'],
  connection: () => idleConnection,
}).nodes

/** One attempt as the transport builds it (attempt 1 on the first stub node, later ones on the second). */
export function attemptOf(headers: Record<string, string> = {}, attempt = 1): TransportRequest {
  return {
    method: 'GET',
    path: '/',
    headers: { accept: 'application/json', ...headers },
    body: undefined,
    node: stubNodes[attempt === 1 ? 0 : 1] as PoolNode,
    attempt,
    signal: undefined,
    timeout: undefined,
  }
}

/** A terminal handler that records what it was sent and answers 200. */
export function recorder(): { handler: Handler; seen: TransportRequest[] } {
  const seen: TransportRequest[] = []
  const handler: Handler = async (r) => {
    seen.push(r)
    return { statusCode: 200, headers: {}, body: new Uint8Array() }
  }
  return { handler, seen }
}

/** A manual clock for the pool's dead-node backoff. */
export interface ManualClock {
  now(): number
  advance(ms: number): void
}

/** A clock that moves only when told. */
export function manualClock(): ManualClock {
  let t = 0
  return {
    now: () => t,
    advance: (ms) => {
      t += ms
    },
  }
}

/** A real pool (from @stretch/transport) over idle connections, for selector tests. */
export function routingPool(
  nodes: readonly (NodeOptions | string)[],
  selector: NodeSelector,
  clock: ManualClock = manualClock(),
): NodePool {
  return createNodePool({ nodes, connection: () => idleConnection, selector, clock, deadNodeBackoff: 1000 })
}

/** Routes `n` requests through the pool and returns the chosen node ids in order. */
export function route(
  p: NodePool,
  n: number,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' = 'GET',
  path = '/_search',
): string[] {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(p.select({ method, path, attempt: 1 }).id)
  return out
}

/** How many times each id occurs. */
export function counts(ids: readonly string[]): Record<string, number> {
  const c: Record<string, number> = {}
  for (const id of ids) c[id] = (c[id] ?? 0) + 1
  return c
}

/** The pool node with this id. */
export function byId(p: NodePool, id: string): PoolNode {
  const node = p.nodes.find((n) => n.id === id)
  if (node === undefined) throw new Error(`no node ${id}`)
  return node
}

/**
 * A minimal sniff-on-start written against the transport's `NodeDiscovery` contract (what @stretch/pool-sniffing
 * does): the first request fetches `/_nodes/_all/http` once and replaces the pool's nodes with the nodes listed
 * there, with the protocol of `clusterUrl`. For the auth packages' cluster tests, which check that sniff requests
 * are authenticated: @stretch/pool-sniffing tests with the auth packages, so a dev dependency on it there would be
 * a cycle that turbo refuses.
 */
export function sniffOnStart(clusterUrl: string): NodeDiscovery {
  const scheme = new URL(clusterUrl).protocol
  let first: Promise<void> | undefined
  return {
    onRequestStart(context) {
      first ??= (async () => {
        const { body } = await context.request<{ nodes: Record<string, { http: { publish_address: string } }> }>({
          method: 'GET',
          path: '/_nodes/_all/http',
        })
        context.pool.update(
          Object.values(body.nodes).map((n) => ({ url: `${scheme}//${n.http.publish_address.split('/').at(-1)}` })),
        )
      })()
      return first
    },
  }
}

/**
 * Records every event Stretch publishes on its diagnostics channels until `stop()`, to search them for a planted
 * secret.
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

/** Every way a value is usually printed or logged, concatenated: inspect, JSON, String, message, stack, cause. */
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
