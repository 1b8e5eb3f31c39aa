import {
  errorChannel,
  nodeAliveChannel,
  nodeDeadChannel,
  requestChannel,
  responseChannel,
  retryChannel,
} from './diagnostics.js'
import { DiscoveryHooks } from './discovery-hooks.js'
import {
  type AttemptRecord,
  ConfigurationError,
  type ErrorMeta,
  isTransportError,
  ProductNotSupportedError,
  RequestAbortedError,
  ResponseError,
  type ResponseErrorBody,
  type TransportErrorOptions,
} from './errors.js'
import { normalizeHeaders, redactHeaders } from './headers.js'
import { isUnreachable, recordHealth } from './node-health.js'
import { createNodePool } from './node-pool.js'
import { checkNumber, type NumberRule } from './number-option.js'
import { checkOptionNames } from './option-names.js'
import { type BodySettings, isOneShot, prepareBody } from './request-body.js'
import type { AttemptObserver, HookedRequest, InternalRequest, RequestHook } from './request-hook.js'
import { type Backoff, type RetryPolicy, retryAfterError, retryAfterStatus } from './retry-policy.js'
import {
  decodeBody,
  encodeQuery,
  kMaxCompressedResponseSize,
  kMaxResponseSize,
  parseBody,
  parseWarnings,
} from './serialize.js'
import type {
  Clock,
  ConnectionFactory,
  DiscoveryContext,
  Handler,
  Headers,
  HttpMethod,
  Middleware,
  NodeDescription,
  NodeDiscovery,
  NodeOptions,
  NodePool,
  NodeSelector,
  PoolNode,
  RequestOptions,
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
  /**
   * Middleware around each attempt, `middleware[0]` outermost, inside the {@link RequestHook.middleware} of the
   * `requestHook` (which this option, or a child's, never replaces).
   */
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
  /**
   * Instrumentation around each logical request (one per API call), shared with every child; see
   * {@link RequestHook}.
   */
  readonly requestHook?: RequestHook | undefined
}

interface Shared {
  readonly pool: NodePool
  readonly discovery: DiscoveryHooks | undefined
  readonly hook: RequestHook | undefined
  readonly clock: Clock
  readonly body: BodySettings
  readonly backoff: Backoff
  readonly limits: ResponseLimits
  readonly maxResponseSize: number
  readonly productCheck: string | null
  closed: boolean
  discoveryContext: DiscoveryContext | undefined
  /** The transport built from options, not by child(): discovery requests carry its credentials. */
  root: Transport | undefined
}

const kDefaultRetryOnStatus: readonly number[] = [429, 502, 503, 504]
const kNoErrorOptions: TransportErrorOptions = {}
const kNoStatuses: readonly number[] = []

function checkStatuses(option: string, value: readonly number[] | undefined): void {
  if (value === undefined) return
  if (!Array.isArray(value) || value.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
    throw new ConfigurationError(`${option}: must be an array of HTTP statuses (100 to 599)`)
  }
}

// The option names, as records of the interfaces: an option added to TransportOptions but not here fails the
// typecheck. A misspelt one (`requestTimout`) is a ConfigurationError, not a silent default.
const kDefaultNames: Record<keyof TransportDefaults, true> = {
  auth: true,
  middleware: true,
  headers: true,
  opaqueId: true,
  maxRetries: true,
  retryOnStatus: true,
  retryOnTimeout: true,
  requestTimeout: true,
  ignore: true,
}
const kOptionNames: Record<keyof TransportOptions, true> = {
  ...kDefaultNames,
  nodes: true,
  connection: true,
  selector: true,
  pool: true,
  discovery: true,
  userAgent: true,
  mediaTypes: true,
  compress: true,
  retryBackoff: true,
  maxRetryBackoff: true,
  maxRetryAfter: true,
  deadNodeBackoff: true,
  maxDeadNodeBackoff: true,
  maxResponseSize: true,
  maxCompressedResponseSize: true,
  productCheck: true,
  clock: true,
  random: true,
  requestHook: true,
}
const kTransportNames: ReadonlySet<string> = new Set(Object.keys(kOptionNames))
const kChildNames: ReadonlySet<string> = new Set(Object.keys(kDefaultNames))

const kMs: NumberRule = { unit: 'milliseconds' }
const kBytes: NumberRule = { unit: 'bytes' }

export { retryAfterMs } from './retry-policy.js'

// Transport.child() hands its parent and the child's defaults to the constructor wrapped in this class: it is not
// exported, so no caller can make one, and the public constructor keeps its one parameter, `options` (the client's
// `Inherited` does the same). No module state: nothing to set before the call and clear after it.
class ChildOf {
  readonly parent: Transport
  readonly defaults: TransportDefaults
  constructor(parent: Transport, defaults: TransportDefaults) {
    this.parent = parent
    this.defaults = defaults
  }
}

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
  // #headers with the body's content-type (and content-encoding when compressing) already in: a request copies
  // an object of the final shape instead of adding properties to its copy (prepareBody's writes change nothing).
  readonly #jsonHeaders: Readonly<Record<string, string>>
  readonly #ndjsonHeaders: Readonly<Record<string, string>>
  readonly #defaults: TransportDefaults
  readonly #policy: RetryPolicy
  readonly #requestTimeout: number | undefined
  readonly #auth: Middleware | undefined
  readonly #middleware: readonly Middleware[]

  /**
   * @param options - the nodes and connection (or a pool), and the defaults of every request.
   */
  constructor(options: TransportOptions) {
    const child = (options as unknown) instanceof ChildOf ? (options as unknown as ChildOf) : undefined
    const parent = child?.parent
    if (child !== undefined) options = child.defaults
    if (options === null || typeof options !== 'object') {
      throw new ConfigurationError('Transport: options must be an object with `nodes` and `connection`, or `pool`')
    }
    if (child === undefined) checkOptionNames('Transport', options, kTransportNames)
    else checkOptionNames('Transport.child()', options, kChildNames)
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
      options.requestHook !== undefined &&
      (options.requestHook === null || typeof options.requestHook.wrap !== 'function')
    ) {
      throw new ConfigurationError('requestHook: must be an object with a wrap(request, send) method')
    }
    const hookMiddleware = options.requestHook?.middleware
    if (
      hookMiddleware !== undefined &&
      (!Array.isArray(hookMiddleware) || hookMiddleware.some((m) => typeof m !== 'function'))
    ) {
      throw new ConfigurationError('requestHook.middleware: must be an array of middleware functions')
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
      const discovery = options.discovery
      this.#shared = {
        pool,
        discovery: discovery === undefined ? undefined : new DiscoveryHooks(discovery, () => this.#discoveryContext()),
        hook: options.requestHook,
        clock: options.clock ?? systemClock,
        body: {
          jsonType: media.json ?? 'application/json',
          ndjsonType: media.ndjson ?? 'application/x-ndjson',
          compress: options.compress === true,
        },
        backoff: {
          random: options.random ?? Math.random,
          retryBackoff: checkNumber('retryBackoff', options.retryBackoff, kMs) ?? 100,
          maxRetryBackoff: checkNumber('maxRetryBackoff', options.maxRetryBackoff, kMs) ?? 4000,
          maxRetryAfter: checkNumber('maxRetryAfter', options.maxRetryAfter, kMs) ?? 30_000,
        },
        limits: { maxCompressedResponseSize: maxCompressed },
        maxResponseSize: checkNumber('maxResponseSize', options.maxResponseSize, kBytes) ?? kMaxResponseSize,
        productCheck: options.productCheck === undefined ? 'Elasticsearch' : options.productCheck,
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
    // Frozen: requests share them (see #headersOf), so a middleware that wrote into its request's headers instead
    // of passing a copy would change every later request; it gets a TypeError instead.
    Object.freeze(this.#headers)
    const settings = this.#shared.body
    this.#jsonHeaders = withBodyHeaders(this.#headers, settings.jsonType, settings.compress)
    this.#ndjsonHeaders = withBodyHeaders(this.#headers, settings.ndjsonType, settings.compress)
    const d = this.#defaults
    this.#policy = {
      maxRetries: d.maxRetries ?? 3,
      retryOnStatus: d.retryOnStatus ?? kDefaultRetryOnStatus,
      retryOnTimeout: d.retryOnTimeout ?? false,
      ignore: d.ignore ?? kNoStatuses,
    }
    this.#requestTimeout = d.requestTimeout === null ? undefined : (d.requestTimeout ?? 30_000)
    const limits = this.#shared.limits
    const terminal: Handler = (request) => {
      const node = request.node
      // Node headers (such as the basic credentials of a node URL's userinfo) come from any pool's nodes; the
      // transport's and the request's headers win.
      if (hasAny(node.headers)) request = { ...request, headers: { ...node.headers, ...request.headers } }
      return node.connection.request(request, limits)
    }
    // The hook's middleware first and in every child: the `middleware` option adds to it, never replaces it, so a
    // spread `{ ...openTelemetry(), middleware }` keeps its traceparent.
    const own = this.#shared.hook?.middleware
    const middleware = own === undefined || own.length === 0 ? this.#middleware : [...own, ...this.#middleware]
    const chain = this.#auth === undefined ? middleware : [...middleware, this.#auth]
    this.#handler = chain.length === 0 ? terminal : compose(chain, terminal)
    if (parent === undefined) this.#shared.root = this
  }

  /** The instrumentation of every request (see {@link RequestHook}), shared with every child; undefined for none. */
  get requestHook(): RequestHook | undefined {
    return this.#shared.hook
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
    return new Transport(new ChildOf(this, options) as never)
  }

  /**
   * Sends one logical request and resolves to the decoded response, or rejects with a {@link TransportError}.
   */
  request<TBody = unknown>(params: TransportRequestParams, options?: RequestOptions): Promise<TransportResult<TBody>> {
    return this.#begin<TBody>(params, options, undefined)
  }

  /**
   * {@link Transport.request}, resolving to `map(result)` instead of the result: what an API call that resolves to a
   * part of the result (its body) uses. Without a {@link RequestHook}, `map` runs where the answer is finished, so
   * the call has no promise (and no microtask) of its own; with one, it runs on what the hook's `wrap` resolves to,
   * and the hook still sees the whole result. A throw in `map` rejects the returned promise.
   * @param params - what to send, as for {@link Transport.request}.
   * @param options - per-call options, as for {@link Transport.request}.
   * @param map - turns the result into what the returned promise resolves to.
   */
  requestMapped<TBody, TMapped>(
    params: TransportRequestParams,
    options: RequestOptions | undefined,
    map: (result: TransportResult<TBody>) => TMapped,
  ): Promise<TMapped> {
    if (typeof map !== 'function') {
      return Promise.reject(new ConfigurationError('requestMapped: `map` must be a function of the result'))
    }
    if (this.#shared.hook !== undefined) return this.#begin<TBody>(params, options, undefined).then(map)
    // #complete hands its result to `map` and returns what `map` returns: the promise resolves to that.
    return this.#begin<TBody>(params, options, map as ResultMap) as unknown as Promise<TMapped>
  }

  #begin<TBody>(
    params: TransportRequestParams,
    options: RequestOptions | undefined,
    map: ResultMap | undefined,
  ): Promise<TransportResult<TBody>> {
    const hook = this.#shared.hook
    const origin = options?.origin
    // Rejects rather than throws, as every other bad option of one call does.
    if (origin !== undefined && (typeof origin !== 'string' || origin === '')) return Promise.reject(badOrigin(origin))
    if (hook === undefined) return this.#start<TBody>(params, options, undefined, map)
    return hook.wrap<TBody>(hookedRequest(params, origin), (observer) =>
      this.#start<TBody>(params, options, observer, undefined),
    )
  }

  // Not async: without a discovery hook the promise of #send is returned as it is (no extra promise, no tick).
  #start<TBody>(
    params: TransportRequestParams,
    options: RequestOptions | undefined,
    observer: AttemptObserver | undefined,
    map: ResultMap | undefined,
  ): Promise<TransportResult<TBody>> {
    const discovery = this.#shared.discovery
    if (discovery === undefined || !discovery.waitsOnStart) return this.#send<TBody>(params, options, observer, map)
    return this.#discoverThenSend<TBody>(discovery, params, options, observer, map)
  }

  async #discoverThenSend<TBody>(
    discovery: DiscoveryHooks,
    params: TransportRequestParams,
    options: RequestOptions | undefined,
    observer: AttemptObserver | undefined,
    map: ResultMap | undefined,
  ): Promise<TransportResult<TBody>> {
    const waiting = discovery.requestStarting()
    if (waiting !== undefined) await waiting
    return this.#send<TBody>(params, options, observer, map)
  }

  #discoveryContext(): DiscoveryContext {
    const shared = this.#shared
    if (shared.discoveryContext === undefined) {
      // Bound to the root transport, whichever transport asks first: a child's credentials never reach a sniff.
      const root = shared.root ?? this
      shared.discoveryContext = {
        pool: shared.pool,
        request: (params, options) => {
          const hook = shared.hook
          if (hook?.wrapInternal === undefined) return root.#send(params, options, undefined, undefined)
          const internal: InternalRequest = { ...hookedRequest(params, undefined), purpose: 'discovery' }
          return hook.wrapInternal(internal, (observer) => root.#send(params, options, observer, undefined))
        },
        now: () => shared.clock.now(),
      }
    }
    return shared.discoveryContext
  }

  /**
   * The request's headers: the transport's, then the call's. Without headers of the call, the transport's own
   * frozen object, shared by every such request (copy on write: prepareBody finds its content-type and
   * content-encoding in it already and writes nothing, and every middleware passes a changed copy to `next`);
   * otherwise a fresh copy.
   */
  #headersOf(params: TransportRequestParams, options: RequestOptions | undefined): Record<string, string> {
    const own =
      params.ndjson !== undefined ? this.#ndjsonHeaders : params.body !== undefined ? this.#jsonHeaders : this.#headers
    if (options === undefined || (options.headers === undefined && options.opaqueId === undefined)) {
      return own as Record<string, string>
    }
    const headers = { ...own }
    if (options.headers !== undefined) Object.assign(headers, normalizeHeaders('options.headers', options.headers))
    if (options.opaqueId !== undefined) {
      headers['x-opaque-id'] = normalizeHeaders('opaqueId', { 'x-opaque-id': options.opaqueId })[
        'x-opaque-id'
      ] as string
    }
    return headers
  }

  /** This transport's retry policy with the call's overrides (the transport's own object when there are none). */
  #policyOf(options: RequestOptions | undefined, oneShot: boolean): RetryPolicy {
    const own = this.#policy
    if (!oneShot && (options === undefined || !overridesPolicy(options))) return own
    return {
      maxRetries: oneShot ? 0 : (options?.maxRetries ?? own.maxRetries),
      retryOnStatus: options?.retryOnStatus ?? own.retryOnStatus,
      retryOnTimeout: options?.retryOnTimeout ?? own.retryOnTimeout,
      ignore: options?.ignore ?? own.ignore,
    }
  }

  /**
   * Prepares the request (path, headers, body, retry policy), then runs its attempts. Not async: the first attempt
   * is sent on the spot and its answer is finished in one `then` (no async frame held by each request in flight,
   * 64 at once in the bench); a retry sends the next attempt from there.
   */
  #send<TBody>(
    params: TransportRequestParams,
    options: RequestOptions | undefined,
    observer: AttemptObserver | undefined,
    map: ResultMap | undefined,
  ): Promise<TransportResult<TBody>> {
    let call: Call | Promise<Call>
    try {
      call = this.#prepare(params, options, observer, map)
    } catch (error) {
      return Promise.reject(error)
    }
    if (call instanceof Promise) return call.then((ready) => this.#attempt<TBody>(ready, 1, undefined))
    // Prepared on the spot: the first attempt starts when the call did, one clock reading fewer per request.
    return this.#attempt<TBody>(call, 1, call.start)
  }

  /** The parts of a call that every attempt shares; a promise when the body is still to be made (a large gzip). */
  #prepare(
    params: TransportRequestParams,
    options: RequestOptions | undefined,
    observer: AttemptObserver | undefined,
    map: ResultMap | undefined,
  ): Call | Promise<Call> {
    const shared = this.#shared
    const start = shared.clock.now()
    const query = encodeQuery(params.querystring)
    const path = query === '' ? params.path : `${params.path}?${query}`
    // What errors, results and events show: a secret-looking query value (`?api_key=...`) is redacted.
    const shown = query === '' ? path : shownPath(params.path, query)
    const headers = this.#headersOf(params, options)
    const body = prepareBody(params, headers, shared.body)
    if (body instanceof Promise) {
      return body.then((ready) => this.#call(params, options, observer, map, start, path, shown, headers, ready))
    }
    return this.#call(params, options, observer, map, start, path, shown, headers, body)
  }

  #call(
    params: TransportRequestParams,
    options: RequestOptions | undefined,
    observer: AttemptObserver | undefined,
    map: ResultMap | undefined,
    start: number,
    path: string,
    shown: string,
    headers: Headers,
    body: SerializedBody | undefined,
  ): Call {
    const method = params.method
    return new Call(
      method,
      path,
      shown,
      headers,
      body,
      this.#policyOf(options, isOneShot(body)),
      options?.signal,
      options?.requestTimeout === undefined ? this.#requestTimeout : (options.requestTimeout ?? undefined),
      // Safe to resend after a possible delivery: it changes nothing on the server.
      method === 'GET' || method === 'HEAD' || params.readOnly === true,
      start,
      observer,
      options?.asBytes,
      map,
    )
  }

  /**
   * One attempt: pick a node, send through the middleware, then (in #answered or #failed) record the node's health
   * and either finish or wait and retry, as the retry policy says. Never throws: every failure rejects.
   */
  #attempt<TBody>(call: Call, attempt: number, startedAt: number | undefined): Promise<TransportResult<TBody>> {
    const signal = call.signal
    if (signal?.aborted) return Promise.reject(this.#fail(abortError(signal), call.method, call.shown, call.attempts))
    const shared = this.#shared
    const pool = shared.pool
    const method = call.method
    const path = call.path
    let node: PoolNode
    try {
      node = pool.select({ method, path, attempt }, call.tried)
      pool.acquire(node)
    } catch (error) {
      return Promise.reject(this.#fail(error, method, call.shown, call.attempts))
    }
    const headers = call.headers
    const request: TransportRequest = {
      method,
      path,
      headers,
      body: call.body,
      node,
      attempt,
      signal,
      timeout: call.timeout,
    }
    if (requestChannel.hasSubscribers) {
      requestChannel.publish({ method, path: call.shown, node: node.info(), attempt, headers: redactHeaders(headers) })
    }
    const observer = call.observer
    if (observer?.attemptStart !== undefined) notify(observer, 'attemptStart', { attempt, node: node.info() })
    const attemptStart = startedAt ?? shared.clock.now()
    call.attemptStart = attemptStart
    let sent: Promise<TransportResponse>
    try {
      // A middleware that answers with a plain value or a thenable is taken as `await` would take it.
      sent = Promise.resolve(this.#handler(request))
    } catch (cause) {
      sent = Promise.reject(cause)
    }
    return sent.then(
      (response) => this.#answered<TBody>(call, node, attempt, attemptStart, response),
      (failure: unknown) => this.#failed<TBody>(call, node, attempt, attemptStart, failure),
    )
  }

  /** An attempt that got an answer: finish, or retry after the status's delay. */
  #answered<TBody>(
    call: Call,
    node: PoolNode,
    attempt: number,
    attemptStart: number,
    response: TransportResponse | undefined,
  ): TransportResult<TBody> | Promise<TransportResult<TBody>> {
    // A middleware that resolved with nothing failed, as before: its "error" is that undefined.
    if (response === undefined) return this.#failed<TBody>(call, node, attempt, attemptStart, undefined)
    const shared = this.#shared
    shared.pool.release(node)
    const observer = call.observer
    // The attempt's duration is read off the clock only when something reports it here (an observer, a
    // subscriber, a retry's record); an answer that finishes the call reads it only if it turns out an error.
    let duration =
      observer?.attemptEnd !== undefined || responseChannel.hasSubscribers
        ? shared.clock.now() - attemptStart
        : undefined
    const statusCode = response.statusCode
    const delay = this.#delayAfterAnswer(call.policy, node, attempt, response, duration, call.method, call.shown)
    if (delay !== undefined) {
      duration ??= shared.clock.now() - attemptStart
      call.attempts ??= []
      call.attempts.push({ node: node.id, statusCode, duration })
    }
    if (observer?.attemptEnd !== undefined) {
      notify(observer, 'attemptEnd', {
        attempt,
        node: node.info(),
        statusCode,
        error: undefined,
        duration: duration as number,
        retryDelay: delay,
      })
    }
    if (delay === undefined) return this.#finish<TBody>(call, response, node, duration)
    return this.#retry<TBody>(call, node, attempt, delay)
  }

  /** An attempt that failed (no answer): throw, or retry after the failure's delay. */
  #failed<TBody>(
    call: Call,
    node: PoolNode,
    attempt: number,
    attemptStart: number,
    failure: unknown,
  ): Promise<TransportResult<TBody>> {
    const shared = this.#shared
    shared.pool.release(node)
    const duration = shared.clock.now() - attemptStart
    call.attempts ??= []
    const attempts = call.attempts
    attempts.push(failedAttempt(node, failure, duration))
    const retry = call.signal?.aborted === true ? undefined : call.policy
    const delay = this.#delayAfterError(retry, node, attempt, failure, call.resendable, call.method, call.shown)
    const observer = call.observer
    if (observer?.attemptEnd !== undefined) {
      notify(observer, 'attemptEnd', {
        attempt,
        node: node.info(),
        statusCode: undefined,
        error: failure,
        duration,
        retryDelay: delay,
      })
    }
    if (delay === undefined) throw this.#fail(failure, call.method, call.shown, attempts)
    return this.#retry<TBody>(call, node, attempt, delay)
  }

  #retry<TBody>(call: Call, node: PoolNode, attempt: number, delay: number): Promise<TransportResult<TBody>> {
    call.tried ??= new Set()
    call.tried.add(node)
    if (delay <= 0) return this.#attempt<TBody>(call, attempt + 1, undefined)
    return this.#shared.clock.sleep(delay, call.signal).then(
      () => this.#attempt<TBody>(call, attempt + 1, undefined),
      (error: unknown) => {
        throw this.#fail(error, call.method, call.shown, call.attempts)
      },
    )
  }

  /** Records a failed attempt in the node's health; the wait before the next attempt, or undefined for none. */
  #delayAfterError(
    policy: RetryPolicy | undefined,
    node: PoolNode,
    attempt: number,
    failure: unknown,
    resendable: boolean,
    method: HttpMethod,
    shown: string,
  ): number | undefined {
    const shared = this.#shared
    if (isUnreachable(failure) && recordHealth(shared.pool, node, undefined)) shared.discovery?.nodeFailed(node)
    // No policy: the call's signal was aborted, nothing is retried.
    if (policy === undefined) return undefined
    const delay = retryAfterError(policy, shared.backoff, attempt, failure, resendable)
    if (delay !== undefined && retryChannel.hasSubscribers) {
      const reason = (isTransportError(failure) ? failure.code : undefined) ?? 'error'
      retryChannel.publish({ method, path: shown, node: node.info(), attempt, reason, delay })
    }
    return delay
  }

  /** Publishes an answer and records it in the node's health; the wait before a retry, or undefined for none. */
  #delayAfterAnswer(
    policy: RetryPolicy,
    node: PoolNode,
    attempt: number,
    response: TransportResponse,
    duration: number | undefined,
    method: HttpMethod,
    shown: string,
  ): number | undefined {
    const shared = this.#shared
    const statusCode = response.statusCode
    // `duration` is read whenever the channel has subscribers (see #answered).
    if (responseChannel.hasSubscribers && duration !== undefined) {
      responseChannel.publish({ method, path: shown, node: node.info(), attempt, statusCode, duration })
    }
    if (recordHealth(shared.pool, node, statusCode)) shared.discovery?.nodeFailed(node)
    const delay = retryAfterStatus(policy, shared.backoff, attempt, statusCode, response.headers, Date.now)
    if (delay !== undefined && retryChannel.hasSubscribers) {
      retryChannel.publish({ method, path: shown, node: node.info(), attempt, reason: statusCode, delay })
    }
    return delay
  }

  // The errors of decoding and parsing get their meta from #fail (request and attempts), which every one of them goes
  // through: no meta object is built for an answer that decodes.
  // Not async: an answer that needs no inflating (every one but a large compressed body) is finished on the spot,
  // in the `then` of its attempt (no promise of its own, no ticks).
  #finish<TBody>(
    call: Call,
    response: TransportResponse,
    node: PoolNode,
    duration: number | undefined,
  ): TransportResult<TBody> | Promise<TransportResult<TBody>> {
    let bytes: Uint8Array | undefined
    if (call.method !== 'HEAD' && response.body.byteLength > 0) {
      let decoded: Uint8Array | Promise<Uint8Array>
      try {
        decoded = decodeBody(response.body, response.headers, this.#shared.maxResponseSize, kNoErrorOptions)
      } catch (error) {
        throw this.#failAnswer(error, call, node, response.statusCode, duration)
      }
      if (decoded instanceof Promise) {
        return decoded.then(
          (inflated) => this.#complete<TBody>(call, response, inflated, node, duration),
          (error: unknown) => {
            throw this.#failAnswer(error, call, node, response.statusCode, duration)
          },
        )
      }
      bytes = decoded
    }
    return this.#complete<TBody>(call, response, bytes, node, duration)
  }

  #complete<TBody>(
    call: Call,
    response: TransportResponse,
    bytes: Uint8Array | undefined,
    node: PoolNode,
    duration: number | undefined,
  ): TransportResult<TBody> {
    const shared = this.#shared
    const { statusCode, headers } = response
    const ok = statusCode >= 200 && statusCode < 300
    let body: ResponseErrorBody
    // `asBytes`: a 2xx body stays bytes (an error's is parsed below, for ResponseError).
    if (call.asBytes === true && ok) body = (bytes ?? new Uint8Array(0)) as never
    else if (bytes !== undefined) {
      try {
        body = parseBody(bytes, headers, kNoErrorOptions)
      } catch (error) {
        throw this.#failAnswer(error, call, node, statusCode, duration)
      }
    }
    if (ok && shared.productCheck !== null) {
      const product = headers['x-elastic-product']
      if (product !== shared.productCheck) {
        throw this.#failAnswer(
          new ProductNotSupportedError(productMessage(node, shared.productCheck, body)),
          call,
          node,
          statusCode,
          duration,
        )
      }
    }
    const path = call.shown
    if (statusCode >= 400 && !call.policy.ignore.includes(statusCode)) {
      throw this.#failAnswer(new ResponseError({ statusCode, body, headers, path }), call, node, statusCode, duration)
    }
    const prior = call.attempts
    const result: TransportResult<TBody> = {
      body: body as TBody,
      statusCode,
      headers,
      warnings: headers['warning'] === undefined ? null : parseWarnings(headers),
      meta: {
        node: node.info(),
        attempts: prior === undefined ? 1 : prior.length + 1,
        duration: shared.clock.now() - call.start,
        request: { method: call.method, path },
      },
    }
    // requestMapped: what `map` returns stands for the result (see there).
    const map = call.map
    return map === undefined ? result : (map(result) as TransportResult<TBody>)
  }

  /** {@link Transport.#fail} for the error of an answer, whose attempt record #answered did not keep. */
  #failAnswer(error: unknown, call: Call, node: PoolNode, statusCode: number, duration: number | undefined): unknown {
    const prior = call.attempts
    const attempts = prior === undefined ? [] : [...prior]
    attempts.push({ node: node.id, statusCode, duration: duration ?? this.#shared.clock.now() - call.attemptStart })
    return this.#fail(error, call.method, call.shown, attempts)
  }

  #fail(error: unknown, method: HttpMethod, path: string, recorded: AttemptRecord[] | undefined): unknown {
    if (!isTransportError(error)) return error
    const attempts = recorded ?? []
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
    shared.discovery?.close()
    await shared.pool.close()
  }
}

type ResultMap = (result: TransportResult) => unknown

/**
 * The state of one logical request across its attempts: what #prepare made once, and what the attempts add (their
 * records, the nodes they tried). One plain object per request in flight, in place of an async frame.
 */
class Call {
  readonly method: HttpMethod
  readonly path: string
  /** The path as errors, results and events show it (secret-looking query values redacted). */
  readonly shown: string
  readonly headers: Headers
  readonly body: SerializedBody | undefined
  readonly policy: RetryPolicy
  readonly signal: AbortSignal | undefined
  readonly timeout: number | undefined
  /** Safe to resend after a possible delivery. */
  readonly resendable: boolean
  readonly start: number
  readonly observer: AttemptObserver | undefined
  readonly asBytes: boolean | undefined
  /** requestMapped's `map`, applied to the result where it is made. */
  readonly map: ResultMap | undefined
  /** Made on the first failed or retried attempt: an answer at the first attempt has no record to keep. */
  attempts: AttemptRecord[] | undefined = undefined
  /** When the current attempt started (attempts of one call run one after another). */
  attemptStart = 0
  tried: Set<PoolNode> | undefined = undefined

  constructor(
    method: HttpMethod,
    path: string,
    shown: string,
    headers: Headers,
    body: SerializedBody | undefined,
    policy: RetryPolicy,
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    resendable: boolean,
    start: number,
    observer: AttemptObserver | undefined,
    asBytes: boolean | undefined,
    map: ResultMap | undefined,
  ) {
    this.method = method
    this.path = path
    this.shown = shown
    this.headers = headers
    this.body = body
    this.policy = policy
    this.signal = signal
    this.timeout = timeout
    this.resendable = resendable
    this.start = start
    this.observer = observer
    this.asBytes = asBytes
    this.map = map
  }
}

function failedAttempt(node: PoolNode, failure: unknown, duration: number): AttemptRecord {
  const code = isTransportError(failure) ? failure.code : undefined
  return { node: node.id, error: code ?? 'ES_ERR_CONNECTION', duration }
}

function overridesPolicy(options: RequestOptions): boolean {
  return (
    options.maxRetries !== undefined ||
    options.retryOnStatus !== undefined ||
    options.retryOnTimeout !== undefined ||
    options.ignore !== undefined
  )
}

function hookedRequest(params: TransportRequestParams, origin: string | undefined): HookedRequest {
  return {
    method: params.method,
    path: params.path,
    querystring: params.querystring,
    endpoint: params.endpoint,
    pathParts: params.pathParts,
    origin,
  }
}

function badOrigin(origin: unknown): ConfigurationError {
  const got = typeof origin === 'string' ? 'an empty string' : origin === null ? 'null' : `a ${typeof origin}`
  return new ConfigurationError(
    `origin: must be a non-empty string naming who made the request, such as 'helpers.bulk' (got ${got}); leave it unset for the application's own calls`,
  )
}

// An observer that throws must not break the request it observes.
function notify<K extends keyof AttemptObserver>(
  observer: AttemptObserver,
  method: K,
  event: Parameters<NonNullable<AttemptObserver[K]>>[0],
): void {
  try {
    ;(observer[method] as (e: typeof event) => void).call(observer, event)
  } catch {
    // swallowed: see above
  }
}

// What prepareBody would add to a copy of `headers`: the transport's own content-type wins, as there.
function withBodyHeaders(
  headers: Readonly<Record<string, string>>,
  type: string,
  compress: boolean,
): Readonly<Record<string, string>> {
  const out: Record<string, string> = { ...headers }
  out['content-type'] ??= type
  if (compress) out['content-encoding'] = 'gzip'
  return Object.freeze(out)
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

// Query-string keys whose value may be a credential.
const kSecretQueryKey = /pass|secret|token|key|auth|sig|credential|session/i

/** The path as errors, results and events show it: values of secret-looking query keys become `REDACTED`. */
function shownPath(path: string, query: string): string {
  if (!kSecretQueryKey.test(query)) return `${path}?${query}`
  const parts = query.split('&')
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    const eq = part.indexOf('=')
    if (eq !== -1 && kSecretQueryKey.test(decodeURIComponent(part.slice(0, eq))))
      parts[i] = `${part.slice(0, eq)}=REDACTED`
  }
  return `${path}?${parts.join('&')}`
}
