import {
  ConnectionError,
  DeserializationError,
  type DiscoveryContext,
  type Headers,
  isConnectionError,
  isNoLivingNodesError,
  isTransportError,
  type NodeDescription,
  type NodeDiscovery,
  type NodeInfo,
  type NodeOptions,
  NoLivingNodesError,
  type PoolNode,
  type TransportError,
} from '@stretch/transport'
import { checkSniffingOptions } from './checks.js'
import { defaultNodeFilter, type SniffedNode } from './node-filter.js'
import { parsePublishAddress } from './publish-address.js'

/**
 * Options of {@link sniffing}.
 * @public
 */
export interface SniffingOptions {
  /**
   * Sniff before the first request is sent; the first requests wait for it. Nothing runs when the client is
   * created, so creating a client in a serverless function costs nothing. Default false.
   */
  readonly sniffOnStart?: boolean | undefined
  /**
   * Sniff when a request starts and this many milliseconds have passed since the last sniff ended (or no sniff
   * ran yet), in the background: the request does not wait. No timer is ever set. Default false (never).
   */
  readonly sniffInterval?: number | false | undefined
  /** Sniff, in the background, after a node failed (connection error, or 502, 503, 504). Default false. */
  readonly sniffOnNodeFailure?: boolean | undefined
  /** Milliseconds each sniff attempt may take; a sniff tries each known node at most once. Default 2 000. */
  readonly sniffTimeout?: number | undefined
  /** The path of the node-info request. Default `/_nodes/_all/http`. */
  readonly sniffEndpoint?: string | undefined
  /**
   * Which sniffed nodes may receive requests. Replaces {@link defaultNodeFilter}, which leaves out dedicated
   * master (and voting-only master) nodes; call it from your filter to keep that rule.
   */
  readonly nodeFilter?: ((node: SniffedNode) => boolean) | undefined
}

/**
 * Why a sniff ran: `start` (sniffOnStart), `interval` (sniffInterval) or `node-failure` (sniffOnNodeFailure).
 * @public
 */
export type SniffReason = 'start' | 'interval' | 'node-failure'

/**
 * Published on the `stretch:sniff` diagnostics channel after each sniff.
 * @public
 */
export interface SniffEvent {
  /** What triggered the sniff. */
  readonly reason: SniffReason
  /** The pool's nodes after the sniff (unchanged when it failed). */
  readonly nodes: readonly NodeInfo[]
  /** Why the sniff failed; the pool then keeps its nodes. Undefined on success. */
  readonly error: TransportError | undefined
  /** Milliseconds the sniff took. */
  readonly duration: number
}

/**
 * The name of the `node:diagnostics_channel` channel sniffing publishes {@link SniffEvent}s on (where the runtime
 * has `process.getBuiltinModule`; elsewhere nothing is published).
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel'
 * subscribe(sniffChannel, (event) => console.log('sniffed', event))
 * ```
 * @public
 */
export const sniffChannel = 'stretch:sniff' as const

interface EventChannel {
  readonly hasSubscribers: boolean
  publish(message: unknown): void
}

// node:diagnostics_channel where the runtime has it (Node, Deno, Bun, workerd with nodejs_compat), found through
// process.getBuiltinModule so that no bundler sees a `node:` import; elsewhere a channel nobody listens to.
function eventChannel(name: string): EventChannel {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule
  const dc =
    typeof get === 'function'
      ? (get('node:diagnostics_channel') as { channel?: (n: string) => EventChannel } | undefined)
      : undefined
  return dc?.channel?.(name) ?? { hasSubscribers: false, publish() {} }
}

const sniffEvents = eventChannel(sniffChannel)

type Outcome = { readonly ok: true } | { readonly ok: false; readonly reached: boolean; readonly error: TransportError }

function toError(error: unknown): TransportError {
  if (isTransportError(error)) return error
  return new DeserializationError('the sniff failed unexpectedly', { cause: error })
}

/**
 * True when no node could be reached at all (refused, reset, DNS, TLS, or no node in the pool). A timeout is not
 * counted: the node took the connection, and a user request with its longer timeout may well be served.
 */
function noAnswer(error: TransportError): boolean {
  return isConnectionError(error) || isNoLivingNodesError(error)
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (value === null || typeof value !== 'object') return out
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v
  return out
}

/**
 * Reads the nodes of a `GET /_nodes/_all/http` answer. Nodes without `http` (HTTP disabled, or not yet bound) and
 * with an unreadable publish address are skipped.
 */
function readNodes(body: unknown, base: URL): SniffedNode[] {
  const nodes = (body as { nodes?: unknown } | null | undefined)?.nodes
  if (nodes === null || typeof nodes !== 'object') {
    throw new DeserializationError('the sniff answer has no `nodes` object: is `sniffEndpoint` a node-info API?')
  }
  const out: SniffedNode[] = []
  for (const [id, raw] of Object.entries(nodes as Record<string, unknown>)) {
    if (raw === null || typeof raw !== 'object') continue
    const info = raw as { name?: unknown; roles?: unknown; attributes?: unknown; version?: unknown; http?: unknown }
    const publishAddress = (info.http as { publish_address?: unknown } | undefined)?.publish_address
    if (typeof publishAddress !== 'string') continue
    const parsed = parsePublishAddress(publishAddress)
    if (parsed === undefined) continue
    // The answering node's scheme and path prefix: a cluster behind `https://proxy/es` keeps both.
    const url = new URL(`${base.protocol}//${parsed.host}:${parsed.port}${base.pathname.replace(/\/+$/, '')}`)
    out.push({
      id,
      name: typeof info.name === 'string' ? info.name : undefined,
      url,
      roles: Array.isArray(info.roles) ? info.roles.filter((r): r is string => typeof r === 'string') : undefined,
      attributes: stringRecord(info.attributes),
      version: typeof info.version === 'string' ? info.version : undefined,
      publishAddress,
    })
  }
  return out
}

function describe(node: NodeDescription): NodeDescription {
  return {
    url: new URL(node.url.href),
    id: node.id,
    name: node.name,
    roles: node.roles,
    attributes: node.attributes,
    headers: node.headers,
  }
}

function key(url: URL): string {
  return url.href.replace(/\/+$/, '')
}

class Sniffer implements NodeDiscovery {
  readonly #onStart: boolean
  readonly #interval: number | undefined
  readonly #onFailure: boolean
  readonly #timeout: number
  readonly #endpoint: string
  readonly #filter: (node: SniffedNode) => boolean
  /** The nodes the client was created with, kept to fall back on. */
  #seeds: readonly NodeDescription[] | undefined
  /** True once the first sniff got an answer (or was not wanted). */
  #started = false
  #inflight: Promise<Outcome> | undefined
  #initial: Promise<void> | undefined
  #nextSniff = Number.NEGATIVE_INFINITY
  #closed = false

  constructor(options: SniffingOptions) {
    checkSniffingOptions(options)
    this.#onStart = options.sniffOnStart ?? false
    this.#interval = options.sniffInterval === false ? undefined : options.sniffInterval
    this.#onFailure = options.sniffOnNodeFailure ?? false
    this.#timeout = options.sniffTimeout ?? 2000
    const endpoint = options.sniffEndpoint ?? '/_nodes/_all/http'
    this.#endpoint = endpoint.startsWith('/') ? endpoint : `/${endpoint}`
    this.#filter = options.nodeFilter ?? defaultNodeFilter
  }

  onRequestStart(context: DiscoveryContext): Promise<void> | undefined {
    if (this.#closed) return undefined
    this.#seeds ??= context.pool.nodes.map(describe)
    this.#fallBackToSeeds(context)
    if (!this.#started) {
      if (this.#onStart) return this.#sniffOnStart(context)
      this.#started = true
    }
    if (this.#interval !== undefined && this.#inflight === undefined && context.now() >= this.#nextSniff) {
      void this.#sniff(context, 'interval')
    }
    return undefined
  }

  onNodeFailure(_node: PoolNode, context: DiscoveryContext): void {
    if (this.#closed) return
    this.#fallBackToSeeds(context)
    if (this.#onFailure && this.#started && this.#inflight === undefined) void this.#sniff(context, 'node-failure')
  }

  close(): void {
    this.#closed = true
  }

  // Every request that arrives before the first sniff ended waits for that one sniff.
  #sniffOnStart(context: DiscoveryContext): Promise<void> {
    this.#initial ??= this.#sniff(context, 'start').then((outcome) => {
      this.#initial = undefined
      if (outcome.ok || outcome.reached) {
        // A node answered: even if the answer was unusable, the known nodes can serve requests.
        this.#started = true
        return
      }
      // No node answered: the request would fail the same way; say why, and try again on the next request.
      const error = outcome.error
      const tried = [...new Set(error.meta?.attempts.map((a) => a.node) ?? [])]
      const names = tried.length > 0 ? tried : context.pool.nodes.map((n) => n.info().url)
      throw new ConnectionError(
        `the initial sniff (sniffOnStart, GET ${this.#endpoint}) reached none of the nodes tried: ${names.join(', ')}. ` +
          `Check the node URLs and that Elasticsearch is running there. Last error: ${error.message}`,
        { cause: error, requestSent: false },
      )
    })
    return this.#initial
  }

  // Concurrent triggers share the sniff in flight.
  #sniff(context: DiscoveryContext, reason: SniffReason): Promise<Outcome> {
    if (this.#inflight !== undefined) return this.#inflight
    const started = context.now()
    const run = async (): Promise<Outcome> => {
      let outcome: Outcome
      try {
        // One attempt per known node at most: the transport avoids nodes already tried.
        const maxRetries = Math.max(0, context.pool.nodes.length - 1)
        const result = await context.request(
          { method: 'GET', path: this.#endpoint },
          { requestTimeout: this.#timeout, maxRetries },
        )
        try {
          if (!this.#closed) this.#apply(context, result.body, result.meta.node)
          outcome = { ok: true }
        } catch (error) {
          outcome = { ok: false, reached: true, error: toError(error) }
        }
      } catch (cause) {
        const error = toError(cause)
        outcome = { ok: false, reached: !noAnswer(error), error }
      }
      this.#inflight = undefined
      const ended = context.now()
      if (this.#interval !== undefined) this.#nextSniff = ended + this.#interval
      if (sniffEvents.hasSubscribers) {
        const event: SniffEvent = {
          reason,
          nodes: context.pool.nodes.map((n) => n.info()),
          error: outcome.ok ? undefined : outcome.error,
          duration: ended - started,
        }
        sniffEvents.publish(event)
      }
      return outcome
    }
    this.#inflight = run()
    return this.#inflight
  }

  #apply(context: DiscoveryContext, body: unknown, answered: NodeInfo): void {
    const pool = context.pool
    const answering = pool.nodes.find((n) => n.id === answered.id)
    const base = new URL(answered.url)
    // Node-level headers (such as credentials from the seed URL) go to the sniffed nodes too, as the seed's
    // scheme and path prefix do; TLS settings belong to the connection factory and so are the same already.
    const headers: Headers =
      answering?.headers ??
      this.#seeds?.find((seed) => key(seed.url) === key(base))?.headers ??
      this.#seeds?.[0]?.headers ??
      {}
    const found = readNodes(body, base)
    const kept = found.filter((node) => this.#filter(node))
    if (kept.length === 0) {
      throw new NoLivingNodesError(
        `the sniff found no node to send requests to (${found.length} with an HTTP address, none kept by nodeFilter); ` +
          'the client keeps its current nodes',
      )
    }
    const next: NodeOptions[] = kept.map((node) => ({
      url: node.url,
      id: node.id,
      name: node.name,
      roles: node.roles,
      attributes: node.attributes,
      headers,
    }))
    const byId = new Map<string, PoolNode>()
    const byUrl = new Map<string, PoolNode>()
    for (const node of pool.nodes) {
      byId.set(node.id, node)
      byUrl.set(key(node.url), node)
    }
    // A node that kept its id but moved (restarted with a new address: a Kubernetes pod keeps its data path, and so
    // its node id, but not its IP) must not keep the connection to its old address. The pool matches known nodes by
    // id first, so the old one is taken out by a first update and the new address joins in the second.
    const moved = new Set<string>()
    const existing = (node: NodeOptions): PoolNode | undefined => {
      const url = key(node.url as URL)
      const sameId = byId.get(node.id as string)
      if (sameId === undefined || key(sameId.url) === url) return sameId ?? byUrl.get(url)
      moved.add(node.id as string)
      return byUrl.get(url)
    }
    // Seeds stay as a fallback when none of the sniffed nodes can take traffic: each one is a known node resting
    // after a failure (for example addresses that are unreachable from here, behind a load balancer).
    const usable = next.map(existing).some((node) => node === undefined || node.alive)
    const list = usable ? next : [...next, ...this.#missingSeeds(next)]
    if (moved.size > 0) pool.update(list.filter((node) => !moved.has(node.id as string)))
    pool.update(list)
  }

  /** The seeds that are not in `nodes` (by id or URL). */
  #missingSeeds(nodes: readonly (NodeOptions | NodeDescription)[]): NodeDescription[] {
    const present = new Set<string>()
    for (const node of nodes) {
      present.add(node.id ?? '')
      present.add(key(new URL(String(node.url))))
    }
    return (this.#seeds ?? []).filter((seed) => !present.has(seed.id) && !present.has(key(seed.url)))
  }

  // When every known node is dead, the seeds come back (with fresh connections): they may still be reachable
  // when the sniffed addresses are not. The next successful sniff replaces them again.
  #fallBackToSeeds(context: DiscoveryContext): void {
    const pool = context.pool
    if (pool.nodes.some((n) => n.alive)) return
    const missing = this.#missingSeeds(pool.nodes)
    if (missing.length > 0) pool.update([...pool.nodes, ...missing])
  }
}

/**
 * Creates node discovery by sniffing: the client asks the cluster for its nodes (`GET /_nodes/_all/http`) and sends
 * requests to the nodes it finds. The sniff request goes through the transport, with the client's credentials,
 * headers and TLS settings.
 *
 * Triggers (each off by default, at least one required): before the first request (`sniffOnStart`), when a request
 * starts and `sniffInterval` has passed, and after a node failed (`sniffOnNodeFailure`). No timer is set; nothing
 * runs until the first request. Concurrent triggers share one sniff.
 *
 * A failed sniff keeps the current nodes and never fails a request; only when the initial sniff reaches no node at
 * all does the first request fail, with a `ConnectionError` naming the nodes tried. Use one `sniffing()` per
 * client. Do not sniff through Elastic Cloud or any proxy or load balancer: the nodes' own addresses are not
 * reachable from outside.
 *
 * @param options - triggers, timeout, endpoint and node filter; checked by {@link checkSniffingOptions}.
 * @throws `ConfigurationError` naming the option, as {@link checkSniffingOptions} does.
 * @returns The `discovery` of a `Transport` (the client builds it from its `sniff*` options).
 * @example
 * ```ts
 * import { Transport } from '@stretch/transport'
 * import { undiciConnection } from '@stretch/connection-undici'
 * import { sniffing } from '@stretch/pool-sniffing'
 * import { roundRobinSelector } from '@stretch/pool-round-robin'
 *
 * const transport = new Transport({
 *   nodes: ['https://es1.example.com:9200'],
 *   connection: undiciConnection(),
 *   selector: roundRobinSelector(),
 *   discovery: sniffing({ sniffOnStart: true, sniffInterval: 5 * 60_000, sniffOnNodeFailure: true }),
 * })
 * ```
 * @public
 */
export function sniffing(options: SniffingOptions = {}): NodeDiscovery {
  return new Sniffer(options)
}
