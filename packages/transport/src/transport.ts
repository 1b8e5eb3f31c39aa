import { Readable } from 'node:stream'
import {
  errorChannel,
  nodeAliveChannel,
  nodeDeadChannel,
  requestChannel,
  responseChannel,
  retryChannel,
} from './diagnostics.js'
import {
  type AttemptRecord,
  ConfigurationError,
  type ErrorMeta,
  isConnectionError,
  isTimeoutError,
  isTransportError,
  ProductNotSupportedError,
  RequestAbortedError,
  ResponseError,
} from './errors.js'
import { normalizeHeaders, redactHeaders } from './headers.js'
import { createNodePool } from './node-pool.js'
import { checkNumber, type NumberRule } from './number-option.js'
import {
  compressBody,
  decodeBody,
  encodeQuery,
  kMaxCompressedResponseSize,
  kMaxResponseSize,
  parseBody,
  parseWarnings,
  serializeBody,
  serializeNdjson,
} from './serialize.js'
import type {
  Clock,
  ConnectionFactory,
  DiscoveryContext,
  Handler,
  HttpMethod,
  Middleware,
  NodeDescription,
  NodeDiscovery,
  NodeOptions,
  NodePool,
  NodeSelector,
  PoolNode,
  RequestOptions,
  ResponseHeaders,
  ResponseLimits,
  SerializedBody,
  TransportRequest,
  TransportRequestParams,
  TransportResponse,
  TransportResult,
} from './types.js'
import { buildUserAgent } from './user-agent.js'
import { version } from './version.js'

/**
 * The default `user-agent`: `stretch/<version> (Node.js <version>; <platform>-<arch>)`.
 * @public
 */
export const defaultUserAgent: string = buildUserAgent('stretch', version)

/**
 * Composes middleware around a terminal handler; `middleware[0]` is the outermost.
 * @public
 */
export function compose(middleware: readonly Middleware[], terminal: Handler): Handler {
  return middleware.reduceRight<Handler>((next, mw) => mw(next), terminal)
}

/**
 * The clock of the real world: `performance.now()` and `setTimeout`. A backoff timer exists only while a request
 * waits to retry, so it keeps the process alive exactly as long as someone awaits that request.
 * @public
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal))
        return
      }
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(abortError(signal as AbortSignal))
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}

function abortError(signal: AbortSignal): RequestAbortedError {
  return new RequestAbortedError('the request was aborted by its signal', { cause: signal.reason })
}

/**
 * Media types the transport uses for bodies it serializes.
 * @public
 */
export interface MediaTypes {
  /** `content-type` of JSON bodies. Default `application/json`. */
  readonly json?: string | undefined
  /** `content-type` of NDJSON bodies. Default `application/x-ndjson`. */
  readonly ndjson?: string | undefined
  /** `accept` sent with every request. Default `application/json`. */
  readonly accept?: string | undefined
}

/**
 * Per-client settings that a child transport may override (see {@link Transport.child}).
 * @public
 */
export interface TransportDefaults {
  /** The credential scheme, applied to every attempt after `middleware`. `null` removes the parent's. */
  readonly auth?: Middleware | null | undefined
  /** Middleware around each attempt, `middleware[0]` outermost. */
  readonly middleware?: readonly Middleware[] | undefined
  /** Headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Default `x-opaque-id`. */
  readonly opaqueId?: string | undefined
  /** Retries after the first attempt. Default 3. */
  readonly maxRetries?: number | undefined
  /** Statuses retried on another node. Default 429, 502, 503, 504. */
  readonly retryOnStatus?: readonly number[] | undefined
  /**
   * Retry every request that may have reached the server, writes included. Default false: only GET, HEAD and
   * requests marked `readOnly` are resent after a possible delivery.
   */
  readonly retryOnTimeout?: boolean | undefined
  /** Milliseconds per attempt; `null` for none. Default 30 000. */
  readonly requestTimeout?: number | null | undefined
  /** Error statuses that resolve instead of throwing. */
  readonly ignore?: readonly number[] | undefined
}

/**
 * Options of {@link Transport}.
 * @public
 */
export interface TransportOptions extends TransportDefaults {
  /** The seed nodes (with `connection`), unless `pool` is given. */
  readonly nodes?: readonly (NodeOptions | NodeDescription | string | URL)[] | undefined
  /** Creates each node's connection (for example `undiciConnection()` of `@stretch/connection-undici`). */
  readonly connection?: ConnectionFactory | undefined
  /** Picks among the living nodes; see `@stretch/pool-round-robin`. Default: the first living node. */
  readonly selector?: NodeSelector | undefined
  /** A ready pool, instead of `nodes`, `connection` and `selector`. */
  readonly pool?: NodePool | undefined
  /** Node discovery, such as sniffing. */
  readonly discovery?: NodeDiscovery | undefined
  /** Sent as `user-agent`. Default {@link defaultUserAgent}. */
  readonly userAgent?: string | undefined
  /** Media types of bodies and `accept`. */
  readonly mediaTypes?: MediaTypes | undefined
  /** Gzip request bodies and ask for gzip responses. Default false. */
  readonly compress?: boolean | undefined
  /** First retry backoff in milliseconds (full jitter: a random wait up to base x 2^(retry-1)). Default 100. */
  readonly retryBackoff?: number | undefined
  /** Longest retry backoff in milliseconds. Default 4 000. */
  readonly maxRetryBackoff?: number | undefined
  /** Longest `Retry-After` honoured, in milliseconds; a longer one ends the retries. Default 30 000. */
  readonly maxRetryAfter?: number | undefined
  /** First dead-node backoff in milliseconds. Default 1 000. */
  readonly deadNodeBackoff?: number | undefined
  /** Longest dead-node backoff in milliseconds. Default 30 000. */
  readonly maxDeadNodeBackoff?: number | undefined
  /** Largest decoded response, in bytes. Default: the longest string V8 allows. */
  readonly maxResponseSize?: number | undefined
  /** Largest response on the wire, in bytes. Default: the largest Buffer. */
  readonly maxCompressedResponseSize?: number | undefined
  /** The product a 2xx response must name in `x-elastic-product`, or `null` to skip. Default `Elasticsearch`. */
  readonly productCheck?: string | null | undefined
  /** The clock (tests inject one). */
  readonly clock?: Clock | undefined
  /** A source of randomness in [0, 1) for backoff jitter (tests inject one). */
  readonly random?: (() => number) | undefined
}

interface Shared {
  readonly pool: NodePool
  readonly discovery: NodeDiscovery | undefined
  readonly clock: Clock
  readonly random: () => number
  readonly compress: boolean
  readonly limits: ResponseLimits
  readonly maxResponseSize: number
  readonly retryBackoff: number
  readonly maxRetryBackoff: number
  readonly maxRetryAfter: number
  readonly productCheck: string | null
  readonly jsonType: string
  readonly ndjsonType: string
  closed: boolean
  discoveryContext: DiscoveryContext | undefined
  /** The transport built from options, not by child(): discovery requests carry its credentials. */
  root: Transport | undefined
}

const kDefaultRetryOnStatus: readonly number[] = [429, 502, 503, 504]
const kNoStatuses: readonly number[] = []

function checkStatuses(option: string, value: readonly number[] | undefined): void {
  if (value === undefined) return
  if (!Array.isArray(value) || value.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
    throw new ConfigurationError(`${option}: must be an array of HTTP statuses (100 to 599)`)
  }
}

const kMs: NumberRule = { unit: 'milliseconds' }
const kBytes: NumberRule = { unit: 'bytes' }

/**
 * Parses `Retry-After` (seconds or an HTTP date) into milliseconds.
 * @internal
 */
export function retryAfterMs(headers: ResponseHeaders, nowEpoch: number): number | undefined {
  const raw = headers['retry-after']
  const value = Array.isArray(raw) ? raw[0] : raw
  if (value === undefined) return undefined
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowEpoch)
}

// Transport.child() hands the parent to the constructor it calls through this slot: the constructor reads and clears
// it first thing, synchronously, so no other construction can see it, and `parent` is no constructor parameter that
// anyone could pass.
let childOf: Transport | undefined

/**
 * Runs logical requests: serializes, picks a node, sends through middleware and the node's connection, retries,
 * decodes, and raises typed errors. It does no I/O of its own and opens nothing at construction.
 *
 * @example
 * ```ts
 * import { Transport } from '@stretch/transport'
 * import { undiciConnection } from '@stretch/connection-undici'
 *
 * const transport = new Transport({ nodes: ['http://localhost:9200'], connection: undiciConnection() })
 * const { body } = await transport.request({ method: 'GET', path: '/' })
 * ```
 * @public
 */
export class Transport {
  readonly #shared: Shared
  readonly #handler: Handler
  readonly #headers: Readonly<Record<string, string>>
  readonly #defaults: TransportDefaults
  readonly #maxRetries: number
  readonly #retryOnStatus: readonly number[]
  readonly #retryOnTimeout: boolean
  readonly #requestTimeout: number | undefined
  readonly #ignore: readonly number[]
  readonly #auth: Middleware | undefined
  readonly #middleware: readonly Middleware[]

  /**
   * @param options - the nodes and connection (or a pool), and the defaults of every request.
   */
  constructor(options: TransportOptions) {
    const parent = childOf
    childOf = undefined
    if (options === null || typeof options !== 'object') {
      throw new ConfigurationError('Transport: options must be an object with `nodes` and `connection`, or `pool`')
    }
    checkNumber('maxRetries', options.maxRetries, { integer: true })
    checkStatuses('retryOnStatus', options.retryOnStatus)
    checkStatuses('ignore', options.ignore)
    checkNumber('requestTimeout', options.requestTimeout, {
      positive: true,
      unit: 'milliseconds',
      nullMeans: 'no timeout',
    })
    if (options.auth !== undefined && options.auth !== null && typeof options.auth !== 'function') {
      throw new ConfigurationError('auth: must be a middleware function, (next) => (request) => Promise<response>')
    }
    if (
      options.middleware !== undefined &&
      (!Array.isArray(options.middleware) || options.middleware.some((m) => typeof m !== 'function'))
    ) {
      throw new ConfigurationError('middleware: must be an array of middleware functions')
    }
    const ownHeaders = normalizeHeaders('headers', options.headers)
    if (options.opaqueId !== undefined) {
      ownHeaders['x-opaque-id'] = normalizeHeaders('opaqueId', { 'x-opaque-id': options.opaqueId })[
        'x-opaque-id'
      ] as string
    }

    if (parent !== undefined) {
      this.#shared = parent.#shared
      const base = parent.#defaults
      const replacesAuth = options.auth !== undefined || ownHeaders['authorization'] !== undefined
      const inherited: Record<string, string> = { ...parent.#headers }
      // Credentials are replaced, never merged: a child's auth drops the parent's header, and the other way round.
      if (replacesAuth) delete inherited['authorization']
      this.#headers = { ...inherited, ...ownHeaders }
      this.#defaults = { ...base, ...definedOnly(options) }
      this.#auth = options.auth === undefined ? parent.#auth : (options.auth ?? undefined)
      this.#middleware = options.middleware ?? parent.#middleware
    } else {
      const media = options.mediaTypes ?? {}
      const pool =
        options.pool ??
        (() => {
          if (options.connection === undefined || typeof options.connection !== 'function') {
            throw new ConfigurationError(
              'connection: give a connection factory, such as undiciConnection() from @stretch/connection-undici',
            )
          }
          return createNodePool({
            nodes: options.nodes ?? [],
            connection: options.connection,
            selector: options.selector,
            deadNodeBackoff: options.deadNodeBackoff,
            maxDeadNodeBackoff: options.maxDeadNodeBackoff,
            clock: options.clock,
            onStateChange: publishNodeState,
          })
        })()
      const maxCompressed =
        checkNumber('maxCompressedResponseSize', options.maxCompressedResponseSize, kBytes) ??
        kMaxCompressedResponseSize
      this.#shared = {
        pool,
        discovery: options.discovery,
        clock: options.clock ?? systemClock,
        random: options.random ?? Math.random,
        compress: options.compress === true,
        limits: { maxCompressedResponseSize: maxCompressed },
        maxResponseSize: checkNumber('maxResponseSize', options.maxResponseSize, kBytes) ?? kMaxResponseSize,
        retryBackoff: checkNumber('retryBackoff', options.retryBackoff, kMs) ?? 100,
        maxRetryBackoff: checkNumber('maxRetryBackoff', options.maxRetryBackoff, kMs) ?? 4000,
        maxRetryAfter: checkNumber('maxRetryAfter', options.maxRetryAfter, kMs) ?? 30_000,
        productCheck: options.productCheck === undefined ? 'Elasticsearch' : options.productCheck,
        jsonType: media.json ?? 'application/json',
        ndjsonType: media.ndjson ?? 'application/x-ndjson',
        closed: false,
        discoveryContext: undefined,
        root: undefined,
      }
      const base: Record<string, string> = {
        'user-agent': options.userAgent ?? defaultUserAgent,
        accept: media.accept ?? 'application/json',
      }
      if (options.compress === true) base['accept-encoding'] = 'gzip'
      this.#headers = { ...base, ...ownHeaders }
      this.#defaults = definedOnly(options)
      this.#auth = options.auth ?? undefined
      this.#middleware = options.middleware ?? []
    }
    const d = this.#defaults
    this.#maxRetries = d.maxRetries ?? 3
    this.#retryOnStatus = d.retryOnStatus ?? kDefaultRetryOnStatus
    this.#retryOnTimeout = d.retryOnTimeout ?? false
    this.#requestTimeout = d.requestTimeout === null ? undefined : (d.requestTimeout ?? 30_000)
    this.#ignore = d.ignore ?? kNoStatuses
    const limits = this.#shared.limits
    const terminal: Handler = (request) => {
      const node = request.node
      // Node headers (such as the basic credentials of a node URL's userinfo) come from any pool's nodes; the
      // transport's and the request's headers win.
      if (hasAny(node.headers)) request = { ...request, headers: { ...node.headers, ...request.headers } }
      return node.connection.request(request, limits)
    }
    const chain = this.#auth === undefined ? this.#middleware : [...this.#middleware, this.#auth]
    this.#handler = chain.length === 0 ? terminal : compose(chain, terminal)
    if (parent === undefined) this.#shared.root = this
  }

  /** The node pool, shared with every child. */
  get pool(): NodePool {
    return this.#shared.pool
  }

  /**
   * A transport that shares this one's pool, connections and discovery, with other defaults. Cheap: no socket,
   * no timer. Credentials are replaced, never merged.
   */
  child(options: TransportDefaults): Transport {
    childOf = this
    try {
      return new Transport(options as TransportOptions)
    } finally {
      childOf = undefined
    }
  }

  /**
   * Sends one logical request and resolves to the decoded response, or rejects with a {@link TransportError}.
   */
  request<TBody = unknown>(params: TransportRequestParams, options?: RequestOptions): Promise<TransportResult<TBody>> {
    // Not async: without a discovery hook the promise of #send is returned as it is (no extra promise, no tick).
    if (this.#shared.discovery?.onRequestStart === undefined) return this.#send<TBody>(params, options)
    return this.#discoverThenSend<TBody>(params, options)
  }

  async #discoverThenSend<TBody>(
    params: TransportRequestParams,
    options: RequestOptions | undefined,
  ): Promise<TransportResult<TBody>> {
    const discovery = this.#shared.discovery as NodeDiscovery
    const waiting = discovery.onRequestStart?.(this.#discoveryContext())
    if (waiting !== undefined) await waiting
    return this.#send<TBody>(params, options)
  }

  #discoveryContext(): DiscoveryContext {
    const shared = this.#shared
    if (shared.discoveryContext === undefined) {
      // Bound to the root transport, whichever transport asks first: a child's credentials never reach a sniff.
      const root = shared.root ?? this
      shared.discoveryContext = {
        pool: shared.pool,
        request: (params, options) => root.#send(params, options),
        now: () => shared.clock.now(),
      }
    }
    return shared.discoveryContext
  }

  async #send<TBody>(
    params: TransportRequestParams,
    options: RequestOptions | undefined,
  ): Promise<TransportResult<TBody>> {
    const shared = this.#shared
    const clock = shared.clock
    const start = clock.now()
    const method = params.method
    const query = encodeQuery(params.querystring)
    const path = query === '' ? params.path : `${params.path}?${query}`

    let headers: Record<string, string>
    if (options === undefined) {
      headers = { ...this.#headers }
    } else {
      headers = { ...this.#headers }
      if (options.headers !== undefined) {
        const extra = normalizeHeaders('options.headers', options.headers)
        Object.assign(headers, extra)
      }
      if (options.opaqueId !== undefined) {
        headers['x-opaque-id'] = normalizeHeaders('opaqueId', { 'x-opaque-id': options.opaqueId })[
          'x-opaque-id'
        ] as string
      }
    }

    let body: SerializedBody | undefined
    let stream = false
    if (params.ndjson !== undefined) {
      body = serializeNdjson(params.ndjson)
      headers['content-type'] ??= shared.ndjsonType
    } else if (params.body !== undefined) {
      const serialized = serializeBody(params.body)
      body = serialized.payload
      stream = body instanceof Readable
      headers['content-type'] ??= shared.jsonType
    }
    if (shared.compress && body !== undefined) {
      body = await compressBody(body)
      headers['content-encoding'] = 'gzip'
    }

    const signal = options?.signal
    const maxRetries = stream ? 0 : (options?.maxRetries ?? this.#maxRetries)
    const retryOnStatus = options?.retryOnStatus ?? this.#retryOnStatus
    const retryOnTimeout = options?.retryOnTimeout ?? this.#retryOnTimeout
    const timeoutOption = options?.requestTimeout
    const timeout = timeoutOption === undefined ? this.#requestTimeout : (timeoutOption ?? undefined)
    const ignore = options?.ignore ?? this.#ignore
    // Safe to resend after a possible delivery: it changes nothing on the server.
    const resendable = method === 'GET' || method === 'HEAD' || params.readOnly === true
    const pool = shared.pool
    const attempts: AttemptRecord[] = []
    let tried: Set<PoolNode> | undefined

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw this.#fail(abortError(signal), method, path, attempts)
      let node: PoolNode
      try {
        node = pool.select({ method, path, attempt }, tried)
        pool.acquire(node)
      } catch (error) {
        throw this.#fail(error, method, path, attempts)
      }
      const request: TransportRequest = { method, path, headers, body, node, attempt, signal, timeout }
      if (requestChannel.hasSubscribers) {
        requestChannel.publish({ method, path, node: node.info(), attempt, headers: redactHeaders(headers) })
      }
      const attemptStart = clock.now()
      let response: TransportResponse
      try {
        response = await this.#handler(request)
      } catch (cause) {
        pool.release(node)
        const error = cause
        const code = isTransportError(error) ? error.code : undefined
        attempts.push({ node: node.id, error: code ?? 'ES_ERR_CONNECTION', duration: clock.now() - attemptStart })
        let retryable = false
        if (isConnectionError(error)) {
          pool.markDead(node)
          this.#nodeFailed(node)
          retryable = !error.requestSent || resendable || retryOnTimeout
        } else if (isTimeoutError(error)) {
          retryable = resendable || retryOnTimeout
        }
        if (retryable && attempt <= maxRetries && !signal?.aborted) {
          const delay = this.#backoff(attempt)
          if (retryChannel.hasSubscribers) {
            retryChannel.publish({ method, path, node: node.info(), attempt, reason: code ?? 'error', delay })
          }
          tried ??= new Set()
          tried.add(node)
          if (delay > 0) await this.#sleep(delay, signal, method, path, attempts)
          continue
        }
        throw this.#fail(error, method, path, attempts)
      }
      pool.release(node)
      const statusCode = response.statusCode
      if (responseChannel.hasSubscribers) {
        responseChannel.publish({
          method,
          path,
          node: node.info(),
          attempt,
          statusCode,
          duration: clock.now() - attemptStart,
        })
      }
      if (statusCode === 502 || statusCode === 503 || statusCode === 504) {
        pool.markDead(node)
        this.#nodeFailed(node)
      } else if (!node.alive || node.failures > 0) {
        pool.markAlive(node)
      }
      if (attempt <= maxRetries && retryOnStatus.includes(statusCode) && !ignore.includes(statusCode)) {
        let delay: number | undefined
        if (statusCode === 429 || statusCode === 503) {
          delay = retryAfterMs(response.headers, Date.now())
        }
        if (delay === undefined || delay <= shared.maxRetryAfter) {
          attempts.push({ node: node.id, statusCode, duration: clock.now() - attemptStart })
          delay ??= this.#backoff(attempt)
          if (retryChannel.hasSubscribers) {
            retryChannel.publish({ method, path, node: node.info(), attempt, reason: statusCode, delay })
          }
          tried ??= new Set()
          tried.add(node)
          if (delay > 0) await this.#sleep(delay, signal, method, path, attempts)
          continue
        }
      }
      attempts.push({ node: node.id, statusCode, duration: clock.now() - attemptStart })
      return this.#finish<TBody>(response, node, method, path, attempts, ignore, start)
    }
  }

  async #finish<TBody>(
    response: TransportResponse,
    node: PoolNode,
    method: HttpMethod,
    path: string,
    attempts: AttemptRecord[],
    ignore: readonly number[],
    start: number,
  ): Promise<TransportResult<TBody>> {
    const shared = this.#shared
    const { statusCode, headers } = response
    const meta: ErrorMeta = { request: { method, path }, attempts }
    let body: unknown
    if (method !== 'HEAD' && response.body.byteLength > 0) {
      try {
        const bytes = await decodeBody(response.body, headers, shared.maxResponseSize, { meta })
        body = parseBody(bytes, headers, { meta })
      } catch (error) {
        throw this.#fail(error, method, path, attempts)
      }
    }
    if (statusCode >= 200 && statusCode < 300 && shared.productCheck !== null) {
      const product = headers['x-elastic-product']
      if (product !== shared.productCheck) {
        throw this.#fail(
          new ProductNotSupportedError(productMessage(node, shared.productCheck, body), { meta }),
          method,
          path,
          attempts,
        )
      }
    }
    if (statusCode >= 400 && !ignore.includes(statusCode)) {
      throw this.#fail(new ResponseError({ statusCode, body, headers, path, meta }), method, path, attempts)
    }
    return {
      body: body as TBody,
      statusCode,
      headers,
      warnings: headers['warning'] === undefined ? null : parseWarnings(headers),
      meta: {
        node: node.info(),
        attempts: attempts.length,
        duration: shared.clock.now() - start,
        request: { method, path },
      },
    }
  }

  #backoff(attempt: number): number {
    const { retryBackoff, maxRetryBackoff, random } = this.#shared
    const ceiling = Math.min(maxRetryBackoff, retryBackoff * 2 ** (attempt - 1))
    return Math.floor(random() * ceiling)
  }

  async #sleep(
    ms: number,
    signal: AbortSignal | undefined,
    method: HttpMethod,
    path: string,
    attempts: AttemptRecord[],
  ): Promise<void> {
    try {
      await this.#shared.clock.sleep(ms, signal)
    } catch (error) {
      throw this.#fail(error, method, path, attempts)
    }
  }

  #nodeFailed(node: PoolNode): void {
    const discovery = this.#shared.discovery
    if (discovery?.onNodeFailure !== undefined) {
      try {
        discovery.onNodeFailure(node, this.#discoveryContext())
      } catch {
        // a discovery failure never fails the user's request
      }
    }
  }

  #fail(error: unknown, method: HttpMethod, path: string, attempts: AttemptRecord[]): unknown {
    if (!isTransportError(error)) return error
    const meta: ErrorMeta = { request: { method, path }, attempts }
    error.meta = meta
    if (attempts.length > 1 && !error.message.includes(' attempts')) {
      Object.defineProperty(error, 'message', {
        value: `${error.message} (gave up after ${attempts.length} attempts: ${attempts
          .map((a) => `${a.node} ${a.statusCode ?? a.error}`)
          .join(', ')})`,
        configurable: true,
        writable: true,
      })
    }
    if (errorChannel.hasSubscribers) errorChannel.publish({ error, meta })
    return error
  }

  /** Closes every connection of the pool (shared with children) and stops discovery. Idempotent. */
  async close(): Promise<void> {
    const shared = this.#shared
    if (shared.closed) return
    shared.closed = true
    shared.discovery?.close?.()
    await shared.pool.close()
  }
}

function hasAny(headers: Readonly<Record<string, string>> | undefined): boolean {
  for (const _ in headers) return true
  return false
}

function definedOnly(options: TransportDefaults): TransportDefaults {
  const out: Record<string, unknown> = {}
  for (const key of ['maxRetries', 'retryOnStatus', 'retryOnTimeout', 'requestTimeout', 'ignore'] as const) {
    if (options[key] !== undefined) out[key] = options[key]
  }
  return out as TransportDefaults
}

function publishNodeState(node: PoolNode, alive: boolean): void {
  const ch = alive ? nodeAliveChannel : nodeDeadChannel
  if (ch.hasSubscribers) ch.publish({ node: node.info(), failures: node.failures })
}

function productMessage(node: PoolNode, expected: string, body: unknown): string {
  const version = (body as { version?: { number?: unknown; distribution?: unknown } } | undefined)?.version
  let guess = 'an unknown server'
  if (version?.distribution === 'opensearch') guess = `OpenSearch ${String(version.number)}`
  else if (typeof version?.number === 'string') guess = `a server reporting version ${version.number}`
  return (
    `the server at ${node.info().url} answered without 'x-elastic-product: ${expected}', so it is not ${expected} ` +
    `(it looks like ${guess}) or a proxy removed the header. Stretch talks to ${expected} 8 and 9 only; ` +
    `if a proxy sits in between, make it pass the header through`
  )
}
